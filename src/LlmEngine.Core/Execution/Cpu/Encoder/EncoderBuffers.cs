using LlmEngine.Models;

namespace LlmEngine.Execution.Cpu.Encoder;

/// <summary>
/// The activations of one encoder pass, allocated once for the largest batch so that a pass allocates nothing. Each
/// buffer is row-major, one row per token of the flattened batch.
/// </summary>
internal sealed unsafe class EncoderBuffers : IDisposable
{
    private readonly NativeBuffer _memory = new();

    /// <summary>Allocates buffers for up to <paramref name="maxTokens"/> tokens of <paramref name="config"/>.</summary>
    public EncoderBuffers(ModelConfig config, int maxTokens)
    {
        HiddenSize = config.HiddenSize;
        IntermediateSize = config.IntermediateSize;
        Hidden = _memory.Allocate((long)maxTokens * HiddenSize);
        Query = _memory.Allocate((long)maxTokens * HiddenSize);
        Key = _memory.Allocate((long)maxTokens * HiddenSize);
        Value = _memory.Allocate((long)maxTokens * HiddenSize);
        Attention = _memory.Allocate((long)maxTokens * HiddenSize);
        Intermediate = _memory.Allocate((long)maxTokens * IntermediateSize);
        SequenceStart = new int[maxTokens];
        SequenceEnd = new int[maxTokens];
    }

    /// <summary>Width of the hidden, Q, K, V and attention rows.</summary>
    public int HiddenSize { get; }

    /// <summary>Width of the feed-forward rows.</summary>
    public int IntermediateSize { get; }

    /// <summary>The residual stream (post-LayerNorm after each block).</summary>
    public float* Hidden { get; }

    /// <summary>Queries.</summary>
    public float* Query { get; }

    /// <summary>Keys.</summary>
    public float* Key { get; }

    /// <summary>Values.</summary>
    public float* Value { get; }

    /// <summary>Attention output (all heads concatenated).</summary>
    public float* Attention { get; }

    /// <summary>Feed-forward activations.</summary>
    public float* Intermediate { get; }

    /// <summary>First token of each token's sequence (attention looks at the whole sequence, both ways).</summary>
    public int[] SequenceStart { get; }

    /// <summary>One past the last token of each token's sequence.</summary>
    public int[] SequenceEnd { get; }

    /// <inheritdoc />
    public void Dispose() => _memory.Dispose();
}
