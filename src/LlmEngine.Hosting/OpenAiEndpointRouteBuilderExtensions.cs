using LlmEngine.Composition;
using LlmEngine.Hosting.ChatCompletions;
using LlmEngine.Hosting.Completions;
using LlmEngine.Hosting.Embeddings;
using LlmEngine.Hosting.Health;
using LlmEngine.Hosting.Metrics;
using LlmEngine.Hosting.Models;
using LlmEngine.Hosting.Server;
using LlmEngine.Hosting.Tokenization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlmEngine.Hosting;

/// <summary>Maps LlmEngine's OpenAI-compatible HTTP API onto an ASP.NET Core app.</summary>
public static class OpenAiEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the OpenAI-compatible endpoints (as <c>vllm serve</c> exposes them) over the engine registered in DI:
    /// <c>GET /v1/models</c>, <c>POST /v1/chat/completions</c> (through the registered
    /// <see cref="Microsoft.Extensions.AI.IChatClient"/>), <c>POST /v1/completions</c>, <c>POST /v1/embeddings</c>
    /// (through the registered <see cref="Microsoft.Extensions.AI.IEmbeddingGenerator{TInput, TEmbedding}"/>, if any),
    /// <c>POST /tokenize</c>, <c>POST /detokenize</c>, <c>GET /health</c>, <c>GET /version</c> and <c>GET /metrics</c>
    /// (Prometheus, vLLM's metric names). Only <c>/v1/*</c> requires the API key.
    /// </summary>
    /// <param name="endpoints">The app or another route builder.</param>
    /// <param name="configure">Sets the route prefix, API keys, served model names and limits.</param>
    /// <returns>The group holding every endpoint, to add conventions to (authorization, CORS, rate limiting).</returns>
    /// <exception cref="InvalidOperationException">Neither <see cref="ILlmEngine"/> nor <see cref="LocalModel"/> is registered.</exception>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public static RouteGroupBuilder MapOpenAiEndpoints(this IEndpointRouteBuilder endpoints, Action<OpenAiServerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var options = new OpenAiServerOptions();
        configure?.Invoke(options);
        options.Validate();
        var services = endpoints.ServiceProvider;
        if (!IsRegistered(services, options.ServiceKey))
        {
            throw new InvalidOperationException(OpenAiServer.NotRegistered(options.ServiceKey is null ? nameof(ILlmEngine) : $"ILlmEngine with the key '{options.ServiceKey}'"));
        }
        var server = new OpenAiServer(services, options);
        var logger = services.GetService<ILoggerFactory>()?.CreateLogger("LlmEngine.Hosting") ?? NullLogger.Instance;
        RequestDelegate Open(EndpointHandler handler) => EndpointHandlers.Create(server, logger, handler, requiresKey: false);
        RequestDelegate Keyed(EndpointHandler handler) => EndpointHandlers.Create(server, logger, handler, requiresKey: true);

        var root = endpoints.MapGroup(options.RoutePrefix);
        root.MapGet("/health", Open(HealthEndpoints.HealthAsync));
        root.MapGet("/version", Open(HealthEndpoints.VersionAsync));
        root.MapGet("/metrics", Open(MetricsEndpoint.HandleAsync));
        root.MapPost("/tokenize", Open(TokenizationEndpoints.TokenizeAsync));
        root.MapPost("/detokenize", Open(TokenizationEndpoints.DetokenizeAsync));

        var v1 = root.MapGroup("/v1");
        v1.MapGet("/models", Keyed(ModelsEndpoint.HandleAsync));
        v1.MapPost("/chat/completions", Keyed(ChatCompletionsEndpoint.HandleAsync));
        v1.MapPost("/completions", Keyed(CompletionsEndpoint.HandleAsync));
        v1.MapPost("/embeddings", Keyed(EmbeddingsEndpoint.HandleAsync));
        var prefix = options.RoutePrefix + "/v1";
        var known = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            [prefix + "/models"] = "GET",
            [prefix + "/chat/completions"] = "POST",
            [prefix + "/completions"] = "POST",
            [prefix + "/embeddings"] = "POST",
        };
        v1.MapFallback("{**path}", Keyed(EndpointHandlers.UnknownRoute(known)));
        return root;
    }

    /// <summary>Whether DI can give the engine (checked without creating it: a model may load lazily).</summary>
    private static bool IsRegistered(IServiceProvider services, object? key)
    {
        if (key is null)
        {
            return services.GetService<IServiceProviderIsService>() is not { } isService
                || isService.IsService(typeof(ILlmEngine)) || isService.IsService(typeof(LocalModel));
        }
        return services.GetService<IServiceProviderIsKeyedService>() is not { } isKeyed
            || isKeyed.IsKeyedService(typeof(ILlmEngine), key) || isKeyed.IsKeyedService(typeof(LocalModel), key);
    }
}
