namespace LlmEngine.Models.Architectures;

/// <summary>
/// One BERT block: biased Q/K/V and output projections, a LayerNorm after the attention residual, a GELU feed-forward
/// (up, down, both biased) and a LayerNorm after the feed-forward residual. Names are llama.cpp's GGUF <c>bert</c> names.
/// </summary>
internal sealed class BertLayerWeights
{
    /// <summary><c>attn_q</c>.</summary>
    public required WeightMatrix Query { get; init; }

    /// <summary><c>attn_q.bias</c>.</summary>
    public required float[] QueryBias { get; init; }

    /// <summary><c>attn_k</c>.</summary>
    public required WeightMatrix Key { get; init; }

    /// <summary><c>attn_k.bias</c>.</summary>
    public required float[] KeyBias { get; init; }

    /// <summary><c>attn_v</c>.</summary>
    public required WeightMatrix Value { get; init; }

    /// <summary><c>attn_v.bias</c>.</summary>
    public required float[] ValueBias { get; init; }

    /// <summary><c>attn_output</c>.</summary>
    public required WeightMatrix Output { get; init; }

    /// <summary><c>attn_output.bias</c>.</summary>
    public required float[] OutputBias { get; init; }

    /// <summary><c>attn_output_norm</c> weight.</summary>
    public required float[] AttentionNorm { get; init; }

    /// <summary><c>attn_output_norm</c> bias.</summary>
    public required float[] AttentionNormBias { get; init; }

    /// <summary><c>ffn_up</c> (Transformers' <c>intermediate.dense</c>).</summary>
    public required WeightMatrix Up { get; init; }

    /// <summary><c>ffn_up.bias</c>.</summary>
    public required float[] UpBias { get; init; }

    /// <summary><c>ffn_down</c> (Transformers' <c>output.dense</c>).</summary>
    public required WeightMatrix Down { get; init; }

    /// <summary><c>ffn_down.bias</c>.</summary>
    public required float[] DownBias { get; init; }

    /// <summary><c>layer_output_norm</c> weight.</summary>
    public required float[] OutputNorm { get; init; }

    /// <summary><c>layer_output_norm</c> bias.</summary>
    public required float[] OutputNormBias { get; init; }
}
