using System.Diagnostics.Metrics;
using LlmEngine.Composition;
using LlmEngine.Hosting.Errors;
using LlmEngine.Hosting.Metrics;
using LlmEngine.Tokenization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace LlmEngine.Hosting.Server;

/// <summary>
/// The state the endpoints share: options, metrics, and the services they resolve from DI (the engine, the chat
/// client, the embedding generator). The engine is resolved once on a background task as soon as the endpoints are
/// mapped, so a model that loads lazily does not block start-up: <c>/health</c> answers 503 until it is ready and
/// generation requests wait for it.
/// </summary>
internal sealed class OpenAiServer
{
    private readonly IServiceProvider _services;
    private readonly Task<ResolvedModel> _ready;
    private readonly Lazy<IChatClient?> _chatClient;
    private readonly Lazy<IEmbeddingGenerator<string, Embedding<float>>?> _embeddings;

    public OpenAiServer(IServiceProvider services, OpenAiServerOptions options)
    {
        _services = services;
        Options = options;
        ApiKeys = new ApiKeyValidator(options.ApiKeys);
        var meter = services.GetService<IMeterFactory>()?.Create(ServerMetrics.MeterName) ?? new Meter(ServerMetrics.MeterName);
        Metrics = new ServerMetrics(meter, TryGetStatistics);
        _chatClient = new(() => Get<IChatClient>());
        _embeddings = new(() => Get<IEmbeddingGenerator<string, Embedding<float>>>());
        _ready = Task.Run(Resolve);
    }

    public OpenAiServerOptions Options { get; }

    public ApiKeyValidator ApiKeys { get; }

    public ServerMetrics Metrics { get; }

    /// <summary>Whether the engine has been resolved.</summary>
    public bool IsReady => _ready.IsCompletedSuccessfully;

    /// <summary>Why the engine could not be resolved, once that has failed.</summary>
    public Exception? LoadError => _ready.IsFaulted ? _ready.Exception!.InnerException : null;

    /// <summary>The first served model name, once known.</summary>
    public string? PrimaryModelName => IsReady ? _ready.Result.ModelNames[0] : Options.ServedModelNames.FirstOrDefault();

    /// <summary>The registered chat client, or null when none is registered.</summary>
    public IChatClient? ChatClient => _chatClient.Value;

    /// <summary>The registered embedding generator, or null when none is registered.</summary>
    public IEmbeddingGenerator<string, Embedding<float>>? Embeddings => _embeddings.Value;

    /// <summary>The model (engine or encoder) and its names, waiting for it to be resolved.</summary>
    /// <exception cref="OpenAiException">The engine failed to load (500).</exception>
    public async Task<ResolvedModel> GetModelAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _ready.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            throw new OpenAiException(StatusCodes.Status500InternalServerError, OpenAiException.Server,
                $"The model could not be loaded: {error.Message}", code: "model_load_failed", innerException: error);
        }
    }

    /// <summary>The engine's statistics, or null before it is ready.</summary>
    public EngineStatistics? TryGetStatistics() => IsReady ? _ready.Result.Engine?.GetStatistics() : null;

    /// <summary>Rejects a generation request with 503 when the waiting queue is at <see cref="OpenAiServerOptions.MaxWaitingRequests"/>.</summary>
    public void CheckCapacity(ILlmEngine engine)
    {
        if (Options.MaxWaitingRequests is { } limit && engine.GetStatistics().NumWaitingRequests >= limit)
        {
            throw new OpenAiException(StatusCodes.Status503ServiceUnavailable, OpenAiException.Server,
                $"The server is overloaded: {limit} requests are already waiting. Retry later.", code: "overloaded");
        }
    }

    /// <summary>The message for a service the endpoints need but DI does not have.</summary>
    public static string NotRegistered(string service) =>
        $"{service} is not registered. Call AddLlmEngine() on the service collection (or register {service} yourself) before MapOpenAiEndpoints().";

    /// <summary>A service registered under <see cref="OpenAiServerOptions.ServiceKey"/> (or without a key).</summary>
    private T? Get<T>()
        where T : class =>
        Options.ServiceKey is { } key ? _services.GetKeyedService<T>(key) : _services.GetService<T>();

    private ResolvedModel Resolve()
    {
        var local = Get<LocalModel>();
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        if (local is not null)
        {
            string[] localNames = Options.ServedModelNames.Count > 0 ? [.. Options.ServedModelNames] : [local.ModelId];
            // An encoder-only model (bert) has no engine: it serves embeddings, tokenization, models, health and metrics.
            return local.SupportsTextGeneration
                ? new ResolvedModel(local.Engine, local.Tokenizer, local.Engine.MaxModelLength, local.Config.Architecture, localNames, created)
                : new ResolvedModel(null, local.Tokenizer, local.Config.ContextLength, local.Config.Architecture, localNames, created);
        }
        var engine = Get<ILlmEngine>() ?? throw new InvalidOperationException(NotRegistered(nameof(ILlmEngine)));
        string[] names = Options.ServedModelNames.Count > 0
            ? [.. Options.ServedModelNames]
            : [ChatClient?.GetService<ChatClientMetadata>()?.DefaultModelId ?? "local"];
        return new ResolvedModel(engine, engine.Tokenizer, engine.MaxModelLength, null, names, created);
    }
}

/// <summary>The model being served and the names clients use for it.</summary>
/// <param name="Engine">The generating engine, or null for an encoder-only model (embeddings only).</param>
/// <param name="Tokenizer">The model's tokenizer.</param>
/// <param name="MaxModelLength">The longest sequence the model takes (the engine's limit, or an encoder's context).</param>
/// <param name="Architecture">The model's architecture when known (<c>llama</c>, <c>bert</c>), for messages.</param>
/// <param name="ModelNames">The served model names (at least one).</param>
/// <param name="Created">When the model became ready (Unix seconds), reported by <c>/v1/models</c>.</param>
internal sealed record ResolvedModel(ILlmEngine? Engine, ITokenizer Tokenizer, int MaxModelLength, string? Architecture, string[] ModelNames, long Created)
{
    /// <summary>The engine, for the endpoints that generate.</summary>
    /// <param name="modelName">The model's name as the request resolved it.</param>
    /// <param name="api">What the endpoint offers, for the message (vLLM's wording: "chat completions").</param>
    /// <exception cref="OpenAiException">The model is encoder-only (400 <c>model_not_supported</c>).</exception>
    public ILlmEngine RequireEngine(string modelName, string api) => Engine ?? throw OpenAiException.BadRequest(
        $"The model `{modelName}` does not support {api}: it is an encoder-only {(Architecture is null ? "" : $"'{Architecture}' ")}model that serves embeddings (/v1/embeddings) only.",
        "model", "model_not_supported");

    /// <summary>The name to report for a request's <c>model</c>: the requested one when served, the first when absent.</summary>
    /// <exception cref="OpenAiException">The name is not served (404 <c>model_not_found</c>).</exception>
    public string ResolveName(string? requested)
    {
        if (string.IsNullOrEmpty(requested))
        {
            return ModelNames[0];
        }
        foreach (var name in ModelNames)
        {
            if (string.Equals(name, requested, StringComparison.Ordinal))
            {
                return name;
            }
        }
        throw OpenAiException.ModelNotFound(requested);
    }
}
