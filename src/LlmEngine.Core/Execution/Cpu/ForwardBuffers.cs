using LlmEngine.Models;

namespace LlmEngine.Execution.Cpu;

/// <summary>
/// The activations of one step, allocated once for the largest batch so that a step allocates nothing. Each buffer is
/// row-major, one row per token of the flattened batch.
/// </summary>
internal sealed unsafe class ForwardBuffers : IDisposable
{
    private readonly NativeBuffer _memory = new();

    /// <summary>Allocates buffers for up to <paramref name="maxTokens"/> tokens of <paramref name="config"/>.</summary>
    public ForwardBuffers(ModelConfig config, int maxTokens)
    {
        MaxTokens = maxTokens;
        HiddenSize = config.HiddenSize;
        QueryWidth = config.NumHeads * config.HeadDim;
        KeyWidth = config.NumKvHeads * config.HeadDim;
        IntermediateSize = config.IntermediateSize;
        RopeWidth = config.RopeDimensions;
        Hidden = _memory.Allocate((long)maxTokens * HiddenSize);
        Normed = _memory.Allocate((long)maxTokens * HiddenSize);
        Query = _memory.Allocate((long)maxTokens * QueryWidth);
        Key = _memory.Allocate((long)maxTokens * KeyWidth);
        Value = _memory.Allocate((long)maxTokens * KeyWidth);
        Attention = _memory.Allocate((long)maxTokens * QueryWidth);
        Gate = _memory.Allocate((long)maxTokens * IntermediateSize);
        Up = _memory.Allocate((long)maxTokens * IntermediateSize);
        RopeCos = _memory.Allocate((long)maxTokens * RopeWidth);
        RopeSin = _memory.Allocate((long)maxTokens * RopeWidth);
        TokenSequence = new int[maxTokens];
        AttentionLength = new int[maxTokens];
    }

    /// <summary>Tokens a step may hold.</summary>
    public int MaxTokens { get; }

    /// <summary>Width of <see cref="Hidden"/> and <see cref="Normed"/>.</summary>
    public int HiddenSize { get; }

    /// <summary>Width of <see cref="Query"/> and <see cref="Attention"/> (heads × head size).</summary>
    public int QueryWidth { get; }

    /// <summary>Width of <see cref="Key"/> and <see cref="Value"/> (KV heads × head size).</summary>
    public int KeyWidth { get; }

    /// <summary>Width of <see cref="Gate"/> and <see cref="Up"/>.</summary>
    public int IntermediateSize { get; }

    /// <summary>Width of the rope tables (rotated dimensions).</summary>
    public int RopeWidth { get; }

    /// <summary>The residual stream.</summary>
    public float* Hidden { get; }

    /// <summary>The residual stream after an RMSNorm.</summary>
    public float* Normed { get; }

    /// <summary>Queries.</summary>
    public float* Query { get; }

    /// <summary>Keys of this step's tokens (before they go to the cache).</summary>
    public float* Key { get; }

    /// <summary>Values of this step's tokens.</summary>
    public float* Value { get; }

    /// <summary>Attention output (all heads concatenated).</summary>
    public float* Attention { get; }

    /// <summary>Feed-forward gate, then the SwiGLU product.</summary>
    public float* Gate { get; }

    /// <summary>Feed-forward up projection.</summary>
    public float* Up { get; }

    /// <summary>Per-token rope cos table (<see cref="RotaryEmbedding.FillTable"/>).</summary>
    public float* RopeCos { get; }

    /// <summary>Per-token rope sin table.</summary>
    public float* RopeSin { get; }

    /// <summary>Sequence of each token.</summary>
    public int[] TokenSequence { get; }

    /// <summary>Cached tokens each token attends to (causal: itself and everything before it).</summary>
    public int[] AttentionLength { get; }

    /// <inheritdoc />
    public void Dispose() => _memory.Dispose();
}
