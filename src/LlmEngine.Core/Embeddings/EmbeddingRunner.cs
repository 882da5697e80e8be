using LlmEngine.Execution;

namespace LlmEngine.Embeddings;

/// <summary>
/// Runs tokenized inputs through an <see cref="IEmbeddingExecutor"/> in as few passes as its limits allow (inputs
/// packed in order into batches of at most <see cref="IEmbeddingExecutor.MaxBatchTokens"/> tokens) and pools each.
/// Passes are serialized: concurrent callers wait their turn asynchronously. Owns the executor.
/// </summary>
internal sealed class EmbeddingRunner : IDisposable
{
    private readonly IEmbeddingExecutor _executor;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ForwardBatch _batch;
    private readonly float[] _hidden;
    private int _disposed;

    /// <summary>Wraps <paramref name="executor"/>, which the runner disposes.</summary>
    public EmbeddingRunner(IEmbeddingExecutor executor)
    {
        ArgumentNullException.ThrowIfNull(executor);
        _executor = executor;
        _batch = new ForwardBatch(executor.MaxBatchTokens, executor.MaxSequences);
        _hidden = new float[(long)executor.MaxBatchTokens * executor.HiddenSize];
    }

    /// <summary>Width of a pooled vector.</summary>
    public int HiddenSize => _executor.HiddenSize;

    /// <summary>Longest input, in tokens.</summary>
    public int MaxInputTokens => _executor.MaxSequenceLength;

    /// <summary>Token ids must be below this.</summary>
    public int VocabularySize => _executor.VocabularySize;

    /// <summary>
    /// Pools the final hidden states of each of <paramref name="inputs"/> (each 1 to <see cref="MaxInputTokens"/> valid
    /// token ids, checked by the caller) with <paramref name="pooling"/>; the vectors are neither truncated nor normalized.
    /// </summary>
    public async Task<float[][]> PoolAsync(IReadOnlyList<int[]> inputs, PoolingType pooling, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed != 0, this);
            var results = new float[inputs.Count][];
            var next = 0;
            while (next < inputs.Count)
            {
                cancellationToken.ThrowIfCancellationRequested();
                next = RunBatch(inputs, next, pooling, results);
            }
            return results;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Runs the inputs from <paramref name="first"/> that fit one pass; returns the index of the first one left.</summary>
    private int RunBatch(IReadOnlyList<int[]> inputs, int first, PoolingType pooling, float[][] results)
    {
        var batch = _batch;
        batch.Clear();
        var width = _executor.HiddenSize;
        var tokens = 0;
        var rows = 0;
        var end = first;
        while (end < inputs.Count && end - first < _executor.MaxSequences && tokens + inputs[end].Length <= _executor.MaxBatchTokens)
        {
            var ids = inputs[end];
            var s = end - first;
            for (var i = 0; i < ids.Length; i++)
            {
                batch.TokenIds[tokens + i] = ids[i];
                batch.Positions[tokens + i] = i;
            }
            var (row, count) = EmbeddingPooling.RowsFor(pooling, tokens, ids.Length);
            for (var r = 0; r < count; r++)
            {
                batch.LogitsIndices[rows++] = row + r;
            }
            tokens += ids.Length;
            batch.QueryStart[s + 1] = tokens;
            end++;
        }
        if (end == first)
        {
            throw new InvalidOperationException($"Input {first} has {inputs[first].Length} tokens, more than one pass holds ({_executor.MaxBatchTokens}); inputs must be checked against MaxInputTokens first.");
        }
        batch.NumTokens = tokens;
        batch.NumSequences = end - first;
        batch.NumLogits = rows;
        _executor.ExecuteHidden(batch, _hidden);

        var output = 0;
        for (var i = first; i < end; i++)
        {
            var count = EmbeddingPooling.RowsFor(pooling, 0, inputs[i].Length).Rows;
            results[i] = EmbeddingPooling.Average(_hidden.AsSpan(output * width, count * width), count, width);
            output += count;
        }
        return end;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        // Waits for a pass in flight, so the executor's memory is never freed under it.
        _gate.Wait();
        _executor.Dispose();
        _gate.Release();
    }
}
