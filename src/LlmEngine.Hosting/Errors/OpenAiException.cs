using Microsoft.AspNetCore.Http;

namespace LlmEngine.Hosting.Errors;

/// <summary>
/// A request the server answers with an OpenAI error: the HTTP status and the body's <c>type</c>, <c>param</c> and
/// <c>code</c>. Thrown anywhere while a request is handled; the endpoint turns it into the response (or into one SSE
/// error event once a stream has started).
/// </summary>
internal sealed class OpenAiException(int statusCode, string type, string message, string? param = null, string? code = null, Exception? innerException = null)
    : Exception(message, innerException)
{
    public const string InvalidRequest = "invalid_request_error";
    public const string Authentication = "authentication_error";
    public const string Server = "server_error";

    public int StatusCode { get; } = statusCode;

    public string Type { get; } = type;

    public string? Param { get; } = param;

    public string? Code { get; } = code;

    public ErrorResponse ToResponse() => new()
    {
        Error = new ErrorBody { Message = Message, Type = Type, Param = Param, Code = Code },
    };

    public static OpenAiException BadRequest(string message, string? param = null, string? code = null, Exception? inner = null) =>
        new(StatusCodes.Status400BadRequest, InvalidRequest, message, param, code ?? (param is null ? null : "invalid_value"), inner);

    public static OpenAiException Unsupported(string param, string message) =>
        new(StatusCodes.Status400BadRequest, InvalidRequest, message, param, "unsupported_parameter");

    public static OpenAiException ModelNotFound(string model) =>
        new(StatusCodes.Status404NotFound, InvalidRequest, $"The model `{model}` does not exist.", "model", "model_not_found");

    public static OpenAiException ContextLengthExceeded(string message, string param) =>
        new(StatusCodes.Status400BadRequest, InvalidRequest, message, param, "context_length_exceeded");
}
