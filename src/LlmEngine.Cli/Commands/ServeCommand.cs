using System.CommandLine;
using System.Globalization;
using LlmEngine.Chat;
using LlmEngine.Cli.DemoModel;
using LlmEngine.Composition;
using LlmEngine.Embeddings;
using LlmEngine.Hosting;
using LlmEngine.Models;
using LlmEngine.Models.Hub;
using LlmEngine.Templates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LlmEngine.Cli.Commands;

/// <summary>
/// <c>llmengine serve [MODEL]</c>: the OpenAI-compatible server (vLLM's <c>vllm serve</c>) over one model, with
/// vLLM's flags. Without MODEL it serves the built-in demo model with a demo chat template, so it works offline.
/// </summary>
internal static class ServeCommand
{
    /// <summary>
    /// The demo model is a base model (TinyStories) without a chat template: this one, labelled as a demo, turns the
    /// conversation into a story prompt the model continues.
    /// </summary>
    public const string DemoChatTemplate =
        "{# llmengine demo template: stories260K has no chat template #}{{ bos_token }}" +
        "{% for message in messages %}{% if message.role != 'system' %}{{ message.content }}" +
        "{% if message.role == 'assistant' %}{{ eos_token }}{% else %}{{ ' ' }}{% endif %}{% endif %}{% endfor %}";

    public static Command Create()
    {
        var options = new ServeOptions();
        var command = new Command("serve", "Serve a model over an OpenAI-compatible HTTP API (/v1/chat/completions, /v1/completions, /v1/models, /metrics, ...), as vllm serve does.");
        foreach (var symbol in options.All)
        {
            switch (symbol)
            {
                case Argument argument:
                    command.Arguments.Add(argument);
                    break;
                case Option option:
                    command.Options.Add(option);
                    break;
            }
        }
        command.SetAction(async (parse, cancellationToken) =>
        {
            ServeSettings settings;
            try
            {
                settings = options.Read(parse);
            }
            catch (ArgumentException error)
            {
                Console.Error.WriteLine("error: " + error.Message);
                return 2;
            }
            return await RunAsync(settings, Console.Out, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>Loads the model, serves until <paramref name="cancellationToken"/> fires (or SIGTERM / Ctrl+C), and returns the exit code.</summary>
    /// <param name="settings">The parsed flags.</param>
    /// <param name="log">Where the start-up summary and errors go.</param>
    /// <param name="cancellationToken">Stops the server: running requests get the shutdown timeout to finish.</param>
    /// <param name="started">Called with the listening address once the server accepts requests.</param>
    public static async Task<int> RunAsync(ServeSettings settings, TextWriter log, CancellationToken cancellationToken, Action<Uri>? started = null)
    {
        if (CheckDevice(settings, log) is { } refused)
        {
            return refused;
        }
        (string Path, string? Name)? model;
        try
        {
            model = await ModelArgument.ResolveAsync(settings.Model, log, cancellationToken).ConfigureAwait(false);
        }
        catch (HubException error)
        {
            log.WriteLine("error: " + error.Message);
            return 2;
        }
        var demo = model is null;
        var modelOptions = new LocalModelOptions
        {
            Model = model?.Path ?? BuiltInModel.GetPath(),
            ServedModelName = settings.ServedModelNames.Count > 0 ? settings.ServedModelNames[0] : demo ? BuiltInModel.Name : model?.Name,
            ChatTemplate = settings.ChatTemplate ?? (demo ? DemoChatTemplate : null),
            KVCacheMemoryBytes = settings.KVCacheMemoryBytes,
            Engine = new LlmEngineOptions
            {
                MaxModelLength = settings.MaxModelLength,
                MaxNumSeqs = settings.MaxNumSeqs,
                MaxNumBatchedTokens = settings.MaxNumBatchedTokens,
                BlockSize = settings.BlockSize,
                EnablePrefixCaching = settings.EnablePrefixCaching,
                Seed = settings.Seed,
                NumThreads = settings.Threads,
            },
        };

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevelOf(settings.LogLevel));
        if (!settings.LogRequests)
        {
            builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        }
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = settings.ShutdownTimeout);
        builder.WebHost.UseUrls(new UriBuilder("http", settings.Host, settings.Port).Uri.ToString());
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 32L * 1024 * 1024);

        LocalModel local;
        try
        {
            local = LocalModel.Load(modelOptions);
        }
        catch (ArgumentOutOfRangeException error) when (settings.MaxModelLength is { } requested && error.ParamName == "options")
        {
            // An explicit --max-model-len the KV cache cannot hold: fail now, as vLLM does, rather than under load.
            var reason = error.Message.Split(" (Parameter '")[0];
            log.WriteLine($"error: --max-model-len {requested} does not fit the KV cache: {reason} " +
                "Give the cache more memory (--kv-cache-memory) or ask for a smaller --max-model-len.");
            return 2;
        }
        catch (Exception error) when (error is ModelLoadException or ArgumentException or ChatTemplateException)
        {
            log.WriteLine("error: " + error.Message);
            return 2;
        }

        await using (local.ConfigureAwait(false))
        {
            var chatClient = local.SupportsTextGeneration ? CreateChatClient(local, settings, log) : null;
            builder.Services.AddSingleton(local);
            if (chatClient is not null)
            {
                builder.Services.AddSingleton<IChatClient>(chatClient);
            }
            // Built on the first /v1/embeddings request: a decoder's embedding pass costs memory a chat server may never need.
            builder.Services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(_ => new LlmEngineEmbeddingGenerator(local));
            await using var app = builder.Build();
            app.MapOpenAiEndpoints(o =>
            {
                o.RoutePrefix = settings.RootPath?.TrimEnd('/') ?? "";
                o.ApiKeys = [.. settings.ApiKeys];
                o.ServedModelNames = [.. settings.ServedModelNames];
                o.DefaultSamplingParameters = DefaultParameters(local, settings);
            });
            LogLoaded(local, settings, demo, chatClient is not null, log);
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
            log.WriteLine($"serving {string.Join(", ", settings.ServedModelNames.Count > 0 ? settings.ServedModelNames : [local.ModelId])} at {address} (OpenAI API under {address.ToString().TrimEnd('/')}{settings.RootPath}/v1; Ctrl+C stops)");
            log.Flush();
            started?.Invoke(address);
            await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
            await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
        return 0;
    }

    private static int? CheckDevice(ServeSettings settings, TextWriter log)
    {
        if (settings.Device == "cuda")
        {
            log.WriteLine("error: --device cuda: this build has no CUDA executor; use --device cpu.");
            return 2;
        }
        if (settings.TensorParallelSize != 1)
        {
            log.WriteLine($"error: --tensor-parallel-size {settings.TensorParallelSize} needs GPUs; on the CPU it must be 1.");
            return 2;
        }
        if (settings.GpuMemoryUtilization is { } fraction)
        {
            log.WriteLine($"note: --gpu-memory-utilization {fraction.ToString(CultureInfo.InvariantCulture)} only matters on a GPU; on the CPU size the KV cache with --kv-cache-memory.");
        }
        if (settings.Dtype is not ("auto" or "float32"))
        {
            log.WriteLine($"note: --dtype {settings.Dtype} only matters on a GPU; the CPU executor computes in float32.");
        }
        return null;
    }

    /// <summary>The chat client over the model's template (explicit, Hugging Face folder or GGUF metadata), or null when it has none.</summary>
    private static LlmEngineChatClient? CreateChatClient(LocalModel local, ServeSettings settings, TextWriter log)
    {
        var options = new LlmEngineChatClientOptions
        {
            ToolCallFormat = settings.ToolCallParser switch
            {
                "hermes" => ToolCallFormat.Hermes,
                "llama3_json" => ToolCallFormat.Llama3Json,
                "mistral" => ToolCallFormat.Mistral,
                "json" => ToolCallFormat.Json,
                "none" => ToolCallFormat.None,
                _ => ToolCallFormat.Auto,
            },
        };
        try
        {
            return new LlmEngineChatClient(local, options);
        }
        catch (ChatTemplateException error)
        {
            log.WriteLine($"note: /v1/chat/completions is off: {error.Message}");
            return null;
        }
    }

    /// <summary>With <c>--generation-config auto</c>, the model's recommended sampling values (generation_config.json) become the defaults.</summary>
    private static SamplingParameters DefaultParameters(LocalModel local, ServeSettings settings)
    {
        var parameters = new SamplingParameters();
        if (settings.GenerationConfig != "auto" || local.Model.HuggingFace?.GenerationConfig is not { } config)
        {
            return parameters;
        }
        return parameters with
        {
            Temperature = config.Temperature ?? parameters.Temperature,
            TopP = config.TopP ?? parameters.TopP,
            TopK = config.TopK ?? parameters.TopK,
            MinP = config.MinP ?? parameters.MinP,
            RepetitionPenalty = config.RepetitionPenalty ?? parameters.RepetitionPenalty,
            MaxTokens = config.MaxNewTokens,
        };
    }

    private static void LogLoaded(LocalModel local, ServeSettings settings, bool demo, bool chat, TextWriter log)
    {
        var inv = CultureInfo.InvariantCulture;
        var blockSize = local.Options.Engine.BlockSize;
        log.WriteLine($"loaded {(demo ? "the built-in demo model " : "")}{local.ModelId} from {local.Model.SourcePath} ({local.Config.Architecture}, {local.Config.NumLayers} layers, context {local.Config.ContextLength}) in {local.LoadTime.TotalMilliseconds.ToString("F0", inv)} ms on {local.ThreadCount} CPU threads");
        if (!local.SupportsTextGeneration)
        {
            log.WriteLine($"encoder-only model: /v1/embeddings, /tokenize and /detokenize work; chat completions and completions answer 400. Inputs of up to {local.Config.ContextLength} tokens.");
        }
        else
        {
            log.WriteLine($"KV cache: {local.NumKVCacheBlocks} blocks x {blockSize} tokens = {(long)local.NumKVCacheBlocks * blockSize} tokens, {(local.KVCacheBytes / (1024.0 * 1024.0)).ToString("F1", inv)} MiB; max model length {local.Engine.MaxModelLength}");
            if (settings.MaxModelLength is null && local.Config.ContextLength > local.Engine.MaxModelLength)
            {
                log.WriteLine($"warning: the model's context is {local.Config.ContextLength} tokens but the KV cache holds {local.Engine.MaxModelLength}; serving with max model length {local.Engine.MaxModelLength} (raise --kv-cache-memory for more).");
            }
            if (!chat)
            {
                log.WriteLine("chat completions are off for this model (no chat template); /v1/completions works.");
            }
        }
        if (demo)
        {
            log.WriteLine("demo: stories260K (MIT; see 'llmengine license') with a demo chat template; it writes short children's stories.");
        }
        if (settings.ApiKeys.Count > 0)
        {
            log.WriteLine($"API key required on /v1/* ({settings.ApiKeys.Count} key{(settings.ApiKeys.Count == 1 ? "" : "s")}).");
        }
    }

    private static LogLevel LogLevelOf(string level) => level switch
    {
        "trace" => LogLevel.Trace,
        "debug" => LogLevel.Debug,
        "warning" => LogLevel.Warning,
        "error" => LogLevel.Error,
        "critical" => LogLevel.Critical,
        _ => LogLevel.Information,
    };
}
