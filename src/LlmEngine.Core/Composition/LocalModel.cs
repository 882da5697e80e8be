using System.Diagnostics;
using LlmEngine.Execution.Cpu;
using LlmEngine.Models;
using LlmEngine.Models.HuggingFace;
using LlmEngine.Templates;
using LlmEngine.Tokenization;
using Microsoft.Extensions.Logging;

namespace LlmEngine.Composition;

/// <summary>
/// A model ready to serve in-process: the mapped weights, the tokenizer, the CPU executor with its KV cache and the
/// running engine (vLLM's <c>AsyncLLMEngine.from_engine_args</c>). The composition root that the CLI, dependency
/// injection and the server share. Disposing it stops the engine, then frees the executor and unmaps the weights.
/// </summary>
public sealed class LocalModel : IDisposable, IAsyncDisposable
{
    private readonly CpuModelExecutor _executor;
    private readonly global::LlmEngine.Engine.LlmEngine _engine;
    private int _disposed;

    private LocalModel(LocalModelOptions options, LoadedModel model, ModelTokenizer tokenizer, CpuModelExecutor executor,
        global::LlmEngine.Engine.LlmEngine engine, TimeSpan loadTime)
    {
        Options = options;
        Model = model;
        Tokenizer = tokenizer;
        _executor = executor;
        _engine = engine;
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

    /// <summary>The running engine.</summary>
    public ILlmEngine Engine => _engine;

    /// <summary>The executor's worker threads.</summary>
    public int ThreadCount => _executor.ThreadCount;

    /// <summary>KV-cache memory the executor allocated, in bytes.</summary>
    public long KVCacheBytes => _executor.KVCacheBytes;

    /// <summary>KV-cache blocks the executor allocated.</summary>
    public int NumKVCacheBlocks => _executor.NumBlocks;

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
            var engineSettings = CopyWithModelLength(engineOptions, Math.Min(executor.MaxModelLength, executor.NumBlocks * executor.BlockSize));
            var engine = new global::LlmEngine.Engine.LlmEngine(executor, tokenizer, engineSettings,
                loggerFactory?.CreateLogger("LlmEngine.Engine"));
            return new LocalModel(options, model, tokenizer, executor, engine, clock.Elapsed);
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

    private static LlmEngineOptions CopyWithModelLength(LlmEngineOptions o, int executorLimit) => new()
    {
        BlockSize = o.BlockSize,
        NumKVCacheBlocks = o.NumKVCacheBlocks,
        KVCacheSizeBytes = o.KVCacheSizeBytes,
        MaxModelLength = o.MaxModelLength ?? executorLimit,
        MaxNumSeqs = o.MaxNumSeqs,
        MaxNumBatchedTokens = o.MaxNumBatchedTokens,
        EnablePrefixCaching = o.EnablePrefixCaching,
        EnableChunkedPrefill = o.EnableChunkedPrefill,
        SchedulingPolicy = o.SchedulingPolicy,
        Seed = o.Seed,
        NumThreads = o.NumThreads,
    };

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
        _engine.Dispose();
        _executor.Dispose();
        Model.Dispose();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        await _engine.DisposeAsync().ConfigureAwait(false);
        _executor.Dispose();
        Model.Dispose();
    }
}
