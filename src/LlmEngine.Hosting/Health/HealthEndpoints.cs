using System.Reflection;
using LlmEngine.Hosting.Errors;
using LlmEngine.Hosting.Serialization;
using LlmEngine.Hosting.Server;
using Microsoft.AspNetCore.Http;

namespace LlmEngine.Hosting.Health;

/// <summary><c>GET /health</c> (200 once the engine is ready, 503 before or when it failed) and <c>GET /version</c>.</summary>
internal static class HealthEndpoints
{
    private static readonly string s_version = ReadVersion();

    public static Task HealthAsync(HttpContext context, OpenAiServer server)
    {
        if (server.IsReady)
        {
            context.Response.StatusCode = StatusCodes.Status200OK;
            return Task.CompletedTask;
        }
        var message = server.LoadError is { } error ? $"The model failed to load: {error.Message}" : "The model is loading.";
        return ErrorResults.WriteAsync(context, new OpenAiException(StatusCodes.Status503ServiceUnavailable, OpenAiException.Server, message, code: "not_ready"));
    }

    public static Task VersionAsync(HttpContext context, OpenAiServer server) =>
        context.Response.WriteAsJsonAsync(new VersionResponse { Version = s_version }, OpenAiJsonContext.Default.VersionResponse, contentType: "application/json", context.RequestAborted);

    private static string ReadVersion()
    {
        var assembly = typeof(HealthEndpoints).Assembly;
        var version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString() ?? "0.0.0";
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        return plus >= 0 ? version[..plus] : version;
    }
}
