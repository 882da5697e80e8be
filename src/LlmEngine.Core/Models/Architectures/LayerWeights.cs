namespace LlmEngine.Models.Architectures;

/// <summary>One transformer block's weights: projections mapped in place, norms and biases as float arrays.</summary>
internal sealed class LayerWeights
{
    /// <summary>RMSNorm weight before attention.</summary>
    public required float[] AttentionNorm { get; init; }

    /// <summary>Query projection (<c>heads × headDim</c> rows).</summary>
    public required WeightMatrix Query { get; init; }

    /// <summary>Key projection (<c>kvHeads × headDim</c> rows).</summary>
    public required WeightMatrix Key { get; init; }

    /// <summary>Value projection (<c>kvHeads × headDim</c> rows).</summary>
    public required WeightMatrix Value { get; init; }

    /// <summary>Query bias (qwen2), or null.</summary>
    public float[]? QueryBias { get; init; }

    /// <summary>Key bias (qwen2), or null.</summary>
    public float[]? KeyBias { get; init; }

    /// <summary>Value bias (qwen2), or null.</summary>
    public float[]? ValueBias { get; init; }

    /// <summary>Per-head RMSNorm weight of Q before rope (qwen3), or null.</summary>
    public float[]? QueryNorm { get; init; }

    /// <summary>Per-head RMSNorm weight of K before rope (qwen3), or null.</summary>
    public float[]? KeyNorm { get; init; }

    /// <summary>Attention output projection.</summary>
    public required WeightMatrix Output { get; init; }

    /// <summary>RMSNorm weight before the feed-forward.</summary>
    public required float[] FeedForwardNorm { get; init; }

    /// <summary>SwiGLU gate projection (the first half of a fused <c>ffn_up</c> in phi3).</summary>
    public required WeightMatrix Gate { get; init; }

    /// <summary>SwiGLU up projection.</summary>
    public required WeightMatrix Up { get; init; }

    /// <summary>Feed-forward down projection.</summary>
    public required WeightMatrix Down { get; init; }
}
