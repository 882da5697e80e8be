namespace LlmEngine.Models.Architectures;

/// <summary>
/// A BERT encoder's weights bound to their roles and checked against its <see cref="ModelConfig"/>: the embedding
/// tables and projections stay in mapped memory; LayerNorms and biases are converted to float once.
/// </summary>
internal sealed class BertWeights
{
    private BertWeights(WeightMatrix tokens, WeightMatrix positions, WeightMatrix? tokenTypes, float[] norm, float[] normBias, BertLayerWeights[] layers)
    {
        TokenEmbedding = tokens;
        PositionEmbedding = positions;
        TokenTypeEmbedding = tokenTypes;
        EmbeddingNorm = norm;
        EmbeddingNormBias = normBias;
        Layers = layers;
    }

    /// <summary><c>token_embd</c>: one row per vocabulary token.</summary>
    public WeightMatrix TokenEmbedding { get; }

    /// <summary><c>position_embd</c>: one row per position up to the context length.</summary>
    public WeightMatrix PositionEmbedding { get; }

    /// <summary><c>token_types</c>: one row per segment type, or null when the model has none.</summary>
    public WeightMatrix? TokenTypeEmbedding { get; }

    /// <summary><c>token_embd_norm</c> weight: the LayerNorm of the summed embeddings.</summary>
    public float[] EmbeddingNorm { get; }

    /// <summary><c>token_embd_norm</c> bias.</summary>
    public float[] EmbeddingNormBias { get; }

    /// <summary>The encoder blocks.</summary>
    public IReadOnlyList<BertLayerWeights> Layers { get; }

    /// <summary>
    /// Binds the tensors of <paramref name="source"/> for <paramref name="config"/> (which must be an encoder). Throws
    /// <see cref="ModelLoadException"/> naming the source, the tensor and what was expected.
    /// </summary>
    public static BertWeights Bind(ITensorSource source, ModelConfig config)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(config);
        if (!config.IsEncoderOnly)
        {
            throw new ModelLoadException(source.SourcePath, $"'{config.Architecture}' is not an encoder architecture; the bert encoder cannot run it");
        }
        var binder = new TransformerWeights.Binder(source);
        int hidden = config.HiddenSize, ff = config.IntermediateSize;
        var tokens = binder.Matrix("token_embd.weight", hidden, config.VocabularySize);
        var positions = binder.Matrix("position_embd.weight", hidden, config.ContextLength);
        var types = config.TokenTypeCount > 0 ? binder.Matrix("token_types.weight", hidden, config.TokenTypeCount) : null;
        var layers = new BertLayerWeights[config.NumLayers];
        for (var i = 0; i < layers.Length; i++)
        {
            var p = $"blk.{i}.";
            layers[i] = new BertLayerWeights
            {
                Query = binder.Matrix(p + "attn_q.weight", hidden, hidden),
                QueryBias = binder.Vector(p + "attn_q.bias", hidden),
                Key = binder.Matrix(p + "attn_k.weight", hidden, hidden),
                KeyBias = binder.Vector(p + "attn_k.bias", hidden),
                Value = binder.Matrix(p + "attn_v.weight", hidden, hidden),
                ValueBias = binder.Vector(p + "attn_v.bias", hidden),
                Output = binder.Matrix(p + "attn_output.weight", hidden, hidden),
                OutputBias = binder.Vector(p + "attn_output.bias", hidden),
                AttentionNorm = binder.Vector(p + "attn_output_norm.weight", hidden),
                AttentionNormBias = binder.Vector(p + "attn_output_norm.bias", hidden),
                Up = binder.Matrix(p + "ffn_up.weight", hidden, ff),
                UpBias = binder.Vector(p + "ffn_up.bias", ff),
                Down = binder.Matrix(p + "ffn_down.weight", ff, hidden),
                DownBias = binder.Vector(p + "ffn_down.bias", hidden),
                OutputNorm = binder.Vector(p + "layer_output_norm.weight", hidden),
                OutputNormBias = binder.Vector(p + "layer_output_norm.bias", hidden),
            };
        }
        return new BertWeights(tokens, positions, types,
            binder.Vector("token_embd_norm.weight", hidden), binder.Vector("token_embd_norm.bias", hidden), layers);
    }
}
