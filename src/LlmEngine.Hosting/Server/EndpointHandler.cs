using LlmEngine.Hosting.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LlmEngine.Hosting.Server;

/// <summary>An endpoint's body: reads the request and writes the response, throwing <see cref="OpenAiException"/> for errors.</summary>
internal delegate Task EndpointHandler(HttpContext context, OpenAiServer server);

/// <summary>
/// Wraps handlers into <see cref="RequestDelegate"/>s with the server's cross-cutting rules: the API key on
/// <c>/v1/*</c>, every failure answered in OpenAI's error shape (a 500 only for real faults, logged), and a client that
/// leaves ending the request quietly (cancelling the engine work through <see cref="HttpContext.RequestAborted"/>).
/// </summary>
internal static class EndpointHandlers
{
    public static RequestDelegate Create(OpenAiServer server, ILogger logger, EndpointHandler handler, bool requiresKey) => async context =>
    {
        try
        {
            if (requiresKey && server.ApiKeys.Check(context.Request) is { } denied)
            {
                await ErrorResults.WriteAsync(context, denied).ConfigureAwait(false);
                return;
            }
            await handler(context, server).ConfigureAwait(false);
        }
        catch (Exception) when (context.RequestAborted.IsCancellationRequested)
        {
            ServerLog.ClientLeft(logger, context.Request.Method, context.Request.Path);
        }
        catch (OpenAiException error) when (!context.Response.HasStarted)
        {
            if (error.StatusCode >= StatusCodes.Status500InternalServerError)
            {
                ServerLog.RequestFailed(logger, context.Request.Method, context.Request.Path, error.StatusCode, error);
            }
            await ErrorResults.WriteAsync(context, error).ConfigureAwait(false);
        }
        catch (Exception error) when (!context.Response.HasStarted)
        {
            ServerLog.RequestFailed(logger, context.Request.Method, context.Request.Path, StatusCodes.Status500InternalServerError, error);
            await ErrorResults.WriteAsync(context, RequestErrors.Classify(error, "messages")).ConfigureAwait(false);
        }
    };

    /// <summary>The <c>/v1/*</c> fallback: 405 for a known path with another method, else 404.</summary>
    public static EndpointHandler UnknownRoute(IReadOnlyDictionary<string, string> knownRoutes) => (context, _) =>
    {
        var path = context.Request.Path.Value ?? "";
        var method = context.Request.Method;
        if (knownRoutes.TryGetValue(path.TrimEnd('/'), out var allowed))
        {
            context.Response.Headers.Allow = allowed;
            throw new OpenAiException(StatusCodes.Status405MethodNotAllowed, OpenAiException.InvalidRequest,
                $"{method} is not allowed on {path}; use {allowed}.", code: "method_not_allowed");
        }
        throw new OpenAiException(StatusCodes.Status404NotFound, OpenAiException.InvalidRequest,
            $"Unknown route: {method} {path}.", code: "unknown_url");
    };
}
