using LlmEngine.Models;
using LlmEngine.Models.Architectures;
using LlmEngine.Models.Quantization;

namespace LlmEngine.Execution.Cpu;

/// <summary>
/// Runs the forward pass on the CPU: one batched pass over every scheduled token (prompt chunks and decode tokens
/// alike), K/V in a paged cache addressed through block tables, float32 arithmetic over weights read in place from the
/// mapped model (dequantized a tile of rows at a time), matrix rows split over a persistent worker pool.
/// Supports the architectures in <see cref="GgufModelConfig"/> (llama, mistral, qwen2, qwen3, phi3).
/// </summary>
public sealed unsafe class CpuModelExecutor : IModelExecutor, IWorkerPoolProvider
{
    private readonly ModelConfig _config;
    private readonly TransformerWeights _weights;
    private readonly CpuWorkerPool _pool;
    private readonly PagedKVCache _cache;
    private readonly ForwardBuffers _buffers;
    private readonly NativeBuffer _scratch = new();
    private readonly MatMulJob _matMul;
    private readonly RmsNormJob _norm = new();
    private readonly SwiGluJob _swiGlu = new();
    private readonly RopeTableJob _ropeTable;
    private readonly RotateAndCacheJob _rotateAndCache;
    private readonly PagedAttentionJob _attention;
    private bool _disposed;

    /// <summary>Creates an executor over <paramref name="model"/>, which must stay open (undisposed) while this executor is used.</summary>
    public CpuModelExecutor(LoadedModel model, CpuModelExecutorOptions? options = null)
        : this((model ?? throw new ArgumentNullException(nameof(model))).Tensors, model.Config, options)
    {
    }

    /// <summary>
    /// Creates an executor over the tensors of <paramref name="source"/> described by <paramref name="config"/>.
    /// The source must stay open while this executor is used; the executor does not dispose it. Throws
    /// <see cref="ModelLoadException"/> when a tensor is missing, misshapen or of an unsupported type.
    /// </summary>
    public CpuModelExecutor(ITensorSource source, ModelConfig config, CpuModelExecutorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(config);
        options ??= new CpuModelExecutorOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BlockSize, 1, nameof(options.BlockSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBatchTokens, 1, nameof(options.MaxBatchTokens));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxNumSequences, 1, nameof(options.MaxNumSequences));
        if (config.IsEncoderOnly)
        {
            throw new ModelLoadException(source.SourcePath, $"'{config.Architecture}' is an encoder-only model: it has no output head to generate with; use LlmEngineEmbeddingGenerator for its embeddings");
        }
        _config = config;
        _weights = TransformerWeights.Bind(source, config);

        MaxModelLength = options.MaxModelLength ?? config.ContextLength;
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxModelLength, 1, nameof(options.MaxModelLength));
        BlockSize = options.BlockSize;
        var kvWidth = config.NumKvHeads * config.HeadDim;
        NumBlocks = options.NumBlocks ?? DefaultBlockCount(options, kvWidth);
        ArgumentOutOfRangeException.ThrowIfLessThan(NumBlocks, 1, nameof(options.NumBlocks));
        MaxBatchTokens = options.MaxBatchTokens;
        var threads = options.ThreadCount ?? Environment.ProcessorCount;
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1, nameof(options.ThreadCount));
        if (options.WorkerSpinTime is { } spin)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(spin, TimeSpan.Zero, nameof(options.WorkerSpinTime));
        }

        var maxContext = (int)Math.Min(MaxModelLength, (long)NumBlocks * BlockSize);
        var maxColumns = Math.Max(Math.Max(config.HiddenSize, config.NumHeads * config.HeadDim), config.IntermediateSize);
        var rope = RopeParameters.Create(config, _weights.RopeFrequencyDivisors, MaxModelLength);

        _pool = new CpuWorkerPool(threads, options.PinThreads, options.WorkerSpinTime);
        _cache = new PagedKVCache(config.NumLayers, NumBlocks, BlockSize, kvWidth);
        _buffers = new ForwardBuffers(config, MaxBatchTokens);
        _matMul = new MatMulJob(_scratch, threads, maxColumns, options.QuantizeActivations ? MaxBatchTokens : 0);
        _ropeTable = new RopeTableJob(rope, _buffers);
        _rotateAndCache = new RotateAndCacheJob(config, rope.Style, _buffers, _cache);
        _attention = new PagedAttentionJob(config, _buffers, _cache, _scratch, threads, maxContext);
    }

    /// <inheritdoc />
    public int VocabularySize => _config.VocabularySize;

    /// <inheritdoc />
    public int BlockSize { get; }

    /// <inheritdoc />
    public int NumBlocks { get; }

    /// <summary>Most tokens one batch may hold.</summary>
    public int MaxBatchTokens { get; }

    /// <summary>Longest sequence this executor accepts.</summary>
    public int MaxModelLength { get; }

    /// <summary>Threads used by a forward pass.</summary>
    public int ThreadCount => _pool.ThreadCount;

    /// <summary>Bytes of KV-cache memory allocated.</summary>
    public long KVCacheBytes => _cache.Bytes;

    /// <summary>The model's configuration.</summary>
    public ModelConfig Config => _config;

    /// <inheritdoc />
    CpuWorkerPool IWorkerPoolProvider.WorkerPool => _pool;

    /// <inheritdoc />
    public void Execute(ForwardBatch batch, Span<float> logits)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ForwardBatchValidator.Validate(batch, logits.Length, VocabularySize, MaxBatchTokens, NumBlocks, BlockSize, MaxModelLength);
        RunLayers(batch);
        if (batch.NumLogits == 0)
        {
            return;
        }
        var b = _buffers;
        _norm.Set(b.Hidden, b.Normed, b.HiddenSize, _weights.OutputNorm, _config.RmsNormEpsilon, batch.LogitsIndices);
        _norm.Run(_pool, batch.NumLogits);
        fixed (float* output = logits)
        {
            _matMul.Begin(b.Normed, b.HiddenSize, batch.NumLogits);
            _matMul.Add(_weights.OutputHead, output, VocabularySize);
            _matMul.Run(_pool);
        }
    }

    /// <summary>
    /// Runs the forward pass for <paramref name="batch"/> as <see cref="Execute"/> does (K/V written to the cache slots
    /// the batch names) but stops before the output head: writes <c>batch.NumLogits</c> rows of
    /// <see cref="ModelConfig.HiddenSize"/> floats into <paramref name="hidden"/>, row <c>i</c> the final-norm hidden state
    /// of token <c>batch.LogitsIndices[i]</c>. This is what decoder embedding models (e5-mistral, gte-Qwen) pool.
    /// </summary>
    /// <exception cref="ArgumentException">The batch is inconsistent or <paramref name="hidden"/> is too short.</exception>
    public void ExecuteHidden(ForwardBatch batch, Span<float> hidden)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ForwardBatchValidator.Validate(batch, hidden.Length, VocabularySize, MaxBatchTokens, NumBlocks, BlockSize, MaxModelLength, _config.HiddenSize);
        RunLayers(batch);
        if (batch.NumLogits == 0)
        {
            return;
        }
        fixed (float* output = hidden)
        {
            _norm.Set(_buffers.Hidden, output, _buffers.HiddenSize, _weights.OutputNorm, _config.RmsNormEpsilon, batch.LogitsIndices);
            _norm.Run(_pool, batch.NumLogits);
        }
    }

    private void RunLayers(ForwardBatch batch)
    {
        var tokens = batch.NumTokens;
        PrepareAttention(batch);
        Embed(batch);
        _ropeTable.Run(_pool, batch.Positions, tokens);

        var b = _buffers;
        for (var i = 0; i < _weights.Layers.Count; i++)
        {
            var layer = _weights.Layers[i];
            _norm.Set(b.Hidden, b.Normed, b.HiddenSize, layer.AttentionNorm, _config.RmsNormEpsilon);
            _norm.Run(_pool, tokens);
            _matMul.Begin(b.Normed, b.HiddenSize, tokens);
            _matMul.Add(layer.Query, b.Query, b.QueryWidth, layer.QueryBias);
            _matMul.Add(layer.Key, b.Key, b.KeyWidth, layer.KeyBias);
            _matMul.Add(layer.Value, b.Value, b.KeyWidth, layer.ValueBias);
            _matMul.Run(_pool);
            _rotateAndCache.Run(_pool, layer, i, batch.SlotMapping, tokens);
            _attention.Run(_pool, batch, i);
            _matMul.Begin(b.Attention, b.QueryWidth, tokens);
            _matMul.Add(layer.Output, b.Hidden, b.HiddenSize, accumulate: true);
            _matMul.Run(_pool);

            _norm.Set(b.Hidden, b.Normed, b.HiddenSize, layer.FeedForwardNorm, _config.RmsNormEpsilon);
            _norm.Run(_pool, tokens);
            _matMul.Begin(b.Normed, b.HiddenSize, tokens);
            _matMul.Add(layer.Gate, b.Gate, b.IntermediateSize);
            _matMul.Add(layer.Up, b.Up, b.IntermediateSize);
            _matMul.Run(_pool);
            _swiGlu.Run(_pool, b.Gate, b.Up, b.IntermediateSize, tokens);
            _matMul.Begin(b.Gate, b.IntermediateSize, tokens);
            _matMul.Add(layer.Down, b.Hidden, b.HiddenSize, accumulate: true);
            _matMul.Run(_pool);
        }
    }

    private void PrepareAttention(ForwardBatch batch)
    {
        for (var s = 0; s < batch.NumSequences; s++)
        {
            var first = batch.QueryStart[s];
            var end = batch.QueryStart[s + 1];
            // The new tokens are the last (end - first) of the sequence's context: token t sees everything up to itself.
            var before = batch.ContextLengths[s] - (end - first);
            for (var t = first; t < end; t++)
            {
                _buffers.TokenSequence[t] = s;
                _buffers.AttentionLength[t] = before + (t - first) + 1;
            }
        }
    }

    private void Embed(ForwardBatch batch)
    {
        var embedding = _weights.Embedding;
        var width = _buffers.HiddenSize;
        for (var t = 0; t < batch.NumTokens; t++)
        {
            Dequantizer.Dequantize(embedding.Type, embedding.RowData(batch.TokenIds[t]), new Span<float>(_buffers.Hidden + (long)t * width, width));
        }
    }

    private int DefaultBlockCount(CpuModelExecutorOptions options, int kvWidth)
    {
        var blockBytes = 2L * _config.NumLayers * BlockSize * kvWidth * sizeof(float);
        var byBudget = options.KVCacheMemoryBytes / blockBytes;
        var byUse = (long)(MaxModelLength + BlockSize - 1) / BlockSize * options.MaxNumSequences;
        return (int)Math.Clamp(Math.Min(byBudget, byUse), 1, int.MaxValue / BlockSize);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        _pool.Dispose();
        _cache.Dispose();
        _buffers.Dispose();
        _scratch.Dispose();
    }
}
