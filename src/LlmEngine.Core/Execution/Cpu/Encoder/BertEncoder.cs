using LlmEngine.Embeddings;
using LlmEngine.Models;
using LlmEngine.Models.Architectures;

namespace LlmEngine.Execution.Cpu.Encoder;

/// <summary>
/// The BERT encoder's forward pass on the CPU (bge, e5, MiniLM): summed word, position and segment embeddings with a
/// LayerNorm, then per block biased Q/K/V projections, bidirectional attention within each sequence, the output
/// projection and residual followed by a LayerNorm, and a GELU feed-forward with residual and LayerNorm. Returns final
/// hidden states; there is no KV cache and no output head. Weights are read in place from the mapped model; matrix
/// rows are split over a worker pool as in <see cref="CpuModelExecutor"/>.
/// </summary>
internal sealed unsafe class BertEncoder : IEmbeddingExecutor
{
    private readonly ModelConfig _config;
    private readonly BertWeights _weights;
    private readonly CpuWorkerPool _pool;
    private readonly EncoderBuffers _buffers;
    private readonly NativeBuffer _scratch = new();
    private readonly MatMulJob _matMul;
    private readonly BertEmbeddingJob _embed;
    private readonly BidirectionalAttentionJob _attention;
    private readonly LayerNormJob _norm = new();
    private readonly GeluJob _gelu = new();
    private bool _disposed;

    /// <summary>
    /// Binds the encoder weights of <paramref name="source"/> (which must stay open while the encoder is used). Throws
    /// <see cref="ModelLoadException"/> when a tensor is missing, misshapen or of an unsupported type.
    /// </summary>
    public BertEncoder(ITensorSource source, ModelConfig config, int maxBatchTokens, int threadCount)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatchTokens, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(threadCount, 1);
        _config = config;
        _weights = BertWeights.Bind(source, config);
        MaxBatchTokens = maxBatchTokens;
        MaxSequenceLength = Math.Min(config.ContextLength, maxBatchTokens);
        _pool = new CpuWorkerPool(threadCount);
        _buffers = new EncoderBuffers(config, maxBatchTokens);
        _matMul = new MatMulJob(_scratch, threadCount, Math.Max(config.HiddenSize, config.IntermediateSize));
        _embed = new BertEmbeddingJob(_weights, _buffers, config.LayerNormEpsilon, _scratch, threadCount);
        _attention = new BidirectionalAttentionJob(_buffers, config.NumHeads, config.HeadDim, _scratch, threadCount, MaxSequenceLength);
    }

    /// <inheritdoc />
    public int HiddenSize => _config.HiddenSize;

    /// <inheritdoc />
    public int VocabularySize => _config.VocabularySize;

    /// <inheritdoc />
    public int MaxBatchTokens { get; }

    /// <inheritdoc />
    public int MaxSequences => MaxBatchTokens;

    /// <inheritdoc />
    public int MaxSequenceLength { get; }

    /// <summary>Threads used by a pass.</summary>
    public int ThreadCount => _pool.ThreadCount;

    /// <inheritdoc />
    public void ExecuteHidden(ForwardBatch batch, Span<float> hidden)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Validate(batch, hidden.Length);
        var tokens = batch.NumTokens;
        for (var s = 0; s < batch.NumSequences; s++)
        {
            var first = batch.QueryStart[s];
            var end = batch.QueryStart[s + 1];
            for (var t = first; t < end; t++)
            {
                _buffers.SequenceStart[t] = first;
                _buffers.SequenceEnd[t] = end;
            }
        }

        var b = _buffers;
        var eps = _config.LayerNormEpsilon;
        _embed.Run(_pool, batch);
        foreach (var layer in _weights.Layers)
        {
            _matMul.Begin(b.Hidden, b.HiddenSize, tokens);
            _matMul.Add(layer.Query, b.Query, b.HiddenSize, layer.QueryBias);
            _matMul.Add(layer.Key, b.Key, b.HiddenSize, layer.KeyBias);
            _matMul.Add(layer.Value, b.Value, b.HiddenSize, layer.ValueBias);
            _matMul.Run(_pool);
            _attention.Run(_pool, tokens);
            _matMul.Begin(b.Attention, b.HiddenSize, tokens);
            _matMul.Add(layer.Output, b.Hidden, b.HiddenSize, layer.OutputBias, accumulate: true);
            _matMul.Run(_pool);
            _norm.Run(_pool, b.Hidden, b.HiddenSize, tokens, layer.AttentionNorm, layer.AttentionNormBias, eps);

            _matMul.Begin(b.Hidden, b.HiddenSize, tokens);
            _matMul.Add(layer.Up, b.Intermediate, b.IntermediateSize, layer.UpBias);
            _matMul.Run(_pool);
            _gelu.Run(_pool, b.Intermediate, b.IntermediateSize, tokens);
            _matMul.Begin(b.Intermediate, b.IntermediateSize, tokens);
            _matMul.Add(layer.Down, b.Hidden, b.HiddenSize, layer.DownBias, accumulate: true);
            _matMul.Run(_pool);
            _norm.Run(_pool, b.Hidden, b.HiddenSize, tokens, layer.OutputNorm, layer.OutputNormBias, eps);
        }

        var width = b.HiddenSize;
        for (var i = 0; i < batch.NumLogits; i++)
        {
            new ReadOnlySpan<float>(b.Hidden + (long)batch.LogitsIndices[i] * width, width).CopyTo(hidden.Slice(i * width, width));
        }
    }

    private void Validate(ForwardBatch batch, int outputLength)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var tokens = batch.NumTokens;
        var sequences = batch.NumSequences;
        if (!(tokens >= 1 && tokens <= MaxBatchTokens))
        {
            Fail($"NumTokens {tokens} must be between 1 and the encoder's MaxBatchTokens {MaxBatchTokens}");
        }
        if (!(sequences >= 1 && sequences < batch.QueryStart.Length && batch.QueryStart[0] == 0 && batch.QueryStart[sequences] == tokens))
        {
            Fail($"NumSequences {sequences} must be at least 1 and QueryStart must run from 0 to NumTokens ({tokens})");
        }
        for (var s = 0; s < sequences; s++)
        {
            var length = batch.QueryStart[s + 1] - batch.QueryStart[s];
            if (!(length >= 1 && length <= MaxSequenceLength))
            {
                Fail($"sequence {s} has {length} tokens; each must have between 1 and {MaxSequenceLength}");
            }
        }
        if (!(batch.NumLogits >= 0 && batch.NumLogits <= tokens && outputLength >= (long)batch.NumLogits * HiddenSize))
        {
            Fail($"{batch.NumLogits} output rows of {HiddenSize} do not fit the batch or the {outputLength}-float output");
        }
        for (var t = 0; t < tokens; t++)
        {
            if (!((uint)batch.TokenIds[t] < (uint)VocabularySize))
            {
                Fail($"token {t}: id {batch.TokenIds[t]} is outside the vocabulary ({VocabularySize})");
            }
            if (!((uint)batch.Positions[t] < (uint)_config.ContextLength))
            {
                Fail($"token {t}: position {batch.Positions[t]} is outside the model's {_config.ContextLength} position embeddings");
            }
        }
        for (var i = 0; i < batch.NumLogits; i++)
        {
            if (!((uint)batch.LogitsIndices[i] < (uint)tokens))
            {
                Fail($"output row {i}: token index {batch.LogitsIndices[i]} is outside the batch");
            }
        }
    }

    private static void Fail(string message) => throw new ArgumentException("Invalid encoder batch: " + message + ".", "batch");

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        _pool.Dispose();
        _buffers.Dispose();
        _scratch.Dispose();
    }
}
