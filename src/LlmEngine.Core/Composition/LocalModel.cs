using System.Diagnostics;
using LlmEngine.Embeddings;
using LlmEngine.Execution.Cpu;
using LlmEngine.Execution.Cpu.Encoder;
using LlmEngine.Models;
using LlmEngine.Models.HuggingFace;
using LlmEngine.Templates;
using LlmEngine.Tokenization;
using Microsoft.Extensions.Logging;

namespace LlmEngine.Composition;

/// <summary>
/// A model ready to serve in-process: the mapped weights, the tokenizer, the CPU executor with its KV cache and the
/// running engine (vLLM's <c>AsyncLLMEngine.from_engine_args</c>), and the embedding pass behind
/// <see cref="LlmEngineEmbeddingGenerator"/>. The composition root that the CLI, dependency injection and the server
/// share. An encoder-only model (bert) gets no engine: it serves embeddings only. Disposing it stops the engine, then
/// frees the executors and unmaps the weights.
/// </summary>
public sealed class LocalModel : IDisposable, IAsyncDisposable
{
    private readonly CpuModelExecutor? _executor;
    private readonly global::LlmEngine.Engine.LlmEngine? _engine;
    private readonly Lazy<EmbeddingRunner> _embeddings;
    private int _disposed;

    private LocalModel(LocalModelOptions options, LoadedModel model, ModelTokenizer tokenizer, CpuModelExecutor? executor,
        global::LlmEngine.Engine.LlmEngine? engine, Lazy<EmbeddingRunner> embeddings, TimeSpan loadTime)
    {
        Options = options;
        Model = model;
        Tokenizer = tokenizer;
        _executor = executor;
        _engine = engine;
        _embeddings = embeddings;
        LoadTime = loadTime;
        ModelId = options.ServedModelName ?? DefaultModelId(model.SourcePath);
        var gguf = model.Gguf;
        var hf = model.Tensors as HuggingFaceModel;
        ChatTemplates = new ChatTemplateResolver
        {
            ExplicitTemplate = options.ChatTemplate,
            ModelDirectory = hf?.SourcePath,
            GgufMetadata = gguf is null ? null : key => gguf.Metadata.GetString(key),
            GgufDescription = gguf?.SourcePath,
        };
    }

    /// <summary>The options the model was loaded with.</summary>
    public LocalModelOptions Options { get; }

    /// <summary>The name clients use for this model.</summary>
    public string ModelId { get; }

    /// <summary>The opened model files.</summary>
    public LoadedModel Model { get; }

    /// <summary>The model's hyperparameters.</summary>
    public ModelConfig Config => Model.Config;

    /// <summary>The model's tokenizer.</summary>
    public ITokenizer Tokenizer { get; }

    /// <summary>
    /// Finds this model's chat template in vLLM's order: <see cref="LocalModelOptions.ChatTemplate"/>, then the Hugging
    /// Face folder's template files, then the GGUF's <c>tokenizer.chat_template</c>.
    /// </summary>
    public ChatTemplateResolver ChatTemplates { get; }

    /// <summary>Whether the model generates text (a decoder with a running <see cref="Engine"/>); false for an encoder-only model, which serves embeddings only.</summary>
    public bool SupportsTextGeneration => _engine is not null;

    /// <summary>The running engine.</summary>
    /// <exception cref="InvalidOperationException">The model is encoder-only (<see cref="SupportsTextGeneration"/> is false).</exception>
    public ILlmEngine Engine => _engine ?? throw new InvalidOperationException(
        $"Model '{ModelId}' is an encoder-only '{Config.Architecture}' model: it has no engine and generates no text; use LlmEngineEmbeddingGenerator for its embeddings.");

    /// <summary>The executor's worker threads.</summary>
    public int ThreadCount => _executor?.ThreadCount ?? Options.Engine.NumThreads ?? Environment.ProcessorCount;

    /// <summary>KV-cache memory the executor allocated, in bytes (0 for an encoder-only model).</summary>
    public long KVCacheBytes => _executor?.KVCacheBytes ?? 0;

    /// <summary>KV-cache blocks the executor allocated (0 for an encoder-only model).</summary>
    public int NumKVCacheBlocks => _executor?.NumBlocks ?? 0;

    /// <summary>
    /// The embedding pass: the BERT encoder (built at load), or for a decoder a second executor over the same mapped
    /// weights, built on first use so that a model that only generates never pays for it.
    /// </summary>
    internal EmbeddingRunner EmbeddingRunner
    {
        get
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            return _embeddings.Value;
        }
    }

    /// <summary>Time taken to open the files, build the tokenizer and the executor, and start the engine.</summary>
    public TimeSpan LoadTime { get; }

    /// <summary>
    /// Loads the model named by <paramref name="options"/> and starts an engine over it.
    /// </summary>
    /// <exception cref="ArgumentException">An option is missing or out of range.</exception>
    /// <exception cref="ModelLoadException">The model files cannot be loaded.</exception>
    public static LocalModel Load(LocalModelOptions options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var clock = Stopwatch.StartNew();
        var model = ModelLoader.Load(options.Model!);
        CpuModelExecutor? executor = null;
        try
        {
            var tokenizer = CreateTokenizer(model);
            var engineOptions = options.Engine;
            if (model.Config.IsEncoderOnly)
            {
                var encoder = new EmbeddingRunner(new BertEncoder(model.Tensors, model.Config, engineOptions.MaxNumBatchedTokens,
                    engineOptions.NumThreads ?? Environment.ProcessorCount));
                return new LocalModel(options, model, tokenizer, null, null, new Lazy<EmbeddingRunner>(encoder), clock.Elapsed);
            }
            executor = new CpuModelExecutor(model, new CpuModelExecutorOptions
            {
                BlockSize = engineOptions.BlockSize,
                NumBlocks = engineOptions.NumKVCacheBlocks,
                KVCacheMemoryBytes = options.KVCacheMemoryBytes ?? engineOptions.KVCacheSizeBytes ?? CpuModelExecutorOptions.DefaultKVCacheMemoryBytes,
                MaxNumSequences = Math.Min(engineOptions.MaxNumSeqs, 16),
                MaxBatchTokens = engineOptions.MaxNumBatchedTokens,
                MaxModelLength = engineOptions.MaxModelLength,
                ThreadCount = engineOptions.NumThreads,
            });
            var engineSettings = engineOptions.Clone();
            engineSettings.MaxModelLength ??= Math.Min(executor.MaxModelLength, executor.NumBlocks * executor.BlockSize);
            var engine = new global::LlmEngine.Engine.LlmEngine(executor, tokenizer, engineSettings,
                loggerFactory?.CreateLogger("LlmEngine.Engine"));
            var embeddings = new Lazy<EmbeddingRunner>(() => new EmbeddingRunner(new DecoderEmbeddingExecutor(model.Tensors, model.Config,
                engineOptions.MaxNumBatchedTokens, engineOptions.MaxModelLength, engineOptions.NumThreads ?? Environment.ProcessorCount)));
            return new LocalModel(options, model, tokenizer, executor, engine, embeddings, clock.Elapsed);
        }
        catch
        {
            executor?.Dispose();
            model.Dispose();
            throw;
        }
    }

    private static ModelTokenizer CreateTokenizer(LoadedModel model)
    {
        if (model.Gguf is { } gguf)
        {
            return TokenizerFactory.FromGguf(gguf.Metadata, gguf.SourcePath);
        }
        if (model.Tensors is HuggingFaceModel hf)
        {
            if (hf.TokenizerPath is null)
            {
                throw new ModelLoadException(hf.SourcePath, "tokenizer.json is missing; the folder needs the model's tokenizer files");
            }
            return TokenizerFactory.FromHuggingFace(hf.TokenizerPath, hf.TokenizerConfigPath);
        }
        throw new ModelLoadException(model.SourcePath, $"no tokenizer can be built for a {model.Format} model");
    }

    private static string DefaultModelId(string path)
    {
        var trimmed = path.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        return Directory.Exists(trimmed) ? Path.GetFileName(trimmed) : Path.GetFileNameWithoutExtension(trimmed);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        _engine?.Dispose();
        _executor?.Dispose();
        DisposeEmbeddings();
        Model.Dispose();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        if (_engine is not null)
        {
            await _engine.DisposeAsync().ConfigureAwait(false);
        }
        _executor?.Dispose();
        DisposeEmbeddings();
        Model.Dispose();
    }

    private void DisposeEmbeddings()
    {
        if (_embeddings.IsValueCreated)
        {
            _embeddings.Value.Dispose();
        }
    }
}
