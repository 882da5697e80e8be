using LlmEngine.Execution;
using LlmEngine.Execution.Cpu;
using LlmEngine.Models;

namespace LlmEngine.Embeddings;

/// <summary>
/// A decoder run for embeddings: its own <see cref="CpuModelExecutor"/> over the shared mapped weights, so embedding
/// passes never touch the generating engine's KV cache or activations. The cache is one-token blocks, exactly as many
/// as a pass holds, used as scratch: token <c>t</c> of the batch writes slot <c>t</c>, and each sequence's block table
/// is its own run of slots.
/// </summary>
internal sealed class DecoderEmbeddingExecutor : IEmbeddingExecutor
{
    private readonly CpuModelExecutor _executor;
    private readonly int[] _slots;

    /// <summary>Creates the executor over <paramref name="source"/>, which must stay open while it is used.</summary>
    public DecoderEmbeddingExecutor(ITensorSource source, ModelConfig config, int maxBatchTokens, int? maxModelLength, int threadCount)
    {
        _executor = new CpuModelExecutor(source, config, new CpuModelExecutorOptions
        {
            BlockSize = 1,
            NumBlocks = maxBatchTokens,
            MaxBatchTokens = maxBatchTokens,
            MaxModelLength = maxModelLength,
            ThreadCount = threadCount,
        });
        _slots = new int[maxBatchTokens];
        for (var i = 0; i < _slots.Length; i++)
        {
            _slots[i] = i;
        }
        HiddenSize = config.HiddenSize;
        MaxSequenceLength = Math.Min(_executor.MaxModelLength, maxBatchTokens);
    }

    /// <inheritdoc />
    public int HiddenSize { get; }

    /// <inheritdoc />
    public int VocabularySize => _executor.VocabularySize;

    /// <inheritdoc />
    public int MaxBatchTokens => _executor.MaxBatchTokens;

    /// <inheritdoc />
    public int MaxSequences => _executor.MaxBatchTokens;

    /// <inheritdoc />
    public int MaxSequenceLength { get; }

    /// <summary>Threads used by a pass.</summary>
    public int ThreadCount => _executor.ThreadCount;

    /// <inheritdoc />
    public void ExecuteHidden(ForwardBatch batch, Span<float> hidden)
    {
        ArgumentNullException.ThrowIfNull(batch);
        for (var s = 0; s < batch.NumSequences; s++)
        {
            var first = batch.QueryStart[s];
            var length = batch.QueryStart[s + 1] - first;
            batch.ContextLengths[s] = length;
            // Clamped so that a malformed batch reaches the executor's validation rather than failing here.
            var start = Math.Clamp(first, 0, _slots.Length);
            batch.BlockTables[s] = _slots.AsMemory(start, Math.Clamp(length, 0, _slots.Length - start));
        }
        for (var t = 0; t < batch.NumTokens; t++)
        {
            batch.SlotMapping[t] = t;
        }
        _executor.ExecuteHidden(batch, hidden);
    }

    /// <inheritdoc />
    public void Dispose() => _executor.Dispose();
}
