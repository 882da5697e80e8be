using LlmEngine.Hosting.Serialization;
using Microsoft.AspNetCore.Http;

namespace LlmEngine.Hosting.Errors;

/// <summary>Writes OpenAI-shaped error responses.</summary>
internal static class ErrorResults
{
    public static Task WriteAsync(HttpContext context, OpenAiException error)
    {
        context.Response.StatusCode = error.StatusCode;
        if (error.StatusCode == StatusCodes.Status401Unauthorized)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
        }
        return context.Response.WriteAsJsonAsync(error.ToResponse(), OpenAiJsonContext.Default.ErrorResponse, contentType: "application/json", context.RequestAborted);
    }

    public static IResult ToResult(OpenAiException error) => new ErrorResult(error);

    /// <summary>An <see cref="IResult"/> for handlers that return results.</summary>
    private sealed class ErrorResult(OpenAiException error) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) => WriteAsync(httpContext, error);
    }
}
