using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.Unicode;
using LlmEngine.Hosting.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace LlmEngine.Hosting.Serialization;

/// <summary>
/// Reads a JSON request body into a wire type, turning every way it can be wrong into an OpenAI 4xx: a wrong content
/// type (415), a body over the limit (413), an empty body, malformed JSON or a field of the wrong type (400, naming
/// the field and what it must be).
/// </summary>
internal static class RequestBody
{
    public static async Task<T> ReadAsync<T>(HttpContext context, JsonTypeInfo<T> typeInfo, long maxBytes)
        where T : class
    {
        var request = context.Request;
        if (!string.IsNullOrEmpty(request.ContentType) && !IsJson(request.ContentType))
        {
            throw new OpenAiException(StatusCodes.Status415UnsupportedMediaType, OpenAiException.InvalidRequest,
                $"The request's Content-Type is '{request.ContentType}'; send the body as JSON with Content-Type: application/json.", code: "unsupported_media_type");
        }
        if (request.ContentLength > maxBytes)
        {
            throw TooLarge(maxBytes);
        }
        var body = await ReadBoundedAsync(request, maxBytes, context.RequestAborted).ConfigureAwait(false);
        try
        {
            if (body.Length == 0)
            {
                throw OpenAiException.BadRequest("The request body is empty; send a JSON object.");
            }
            // Checked up front: JSON strings holding invalid UTF-8 would otherwise fail later, when a field is read.
            if (!Utf8.IsValid(body.Span))
            {
                throw OpenAiException.BadRequest("The request body is not valid UTF-8.", code: "invalid_json");
            }
            T? value;
            try
            {
                value = JsonSerializer.Deserialize(body.Span, typeInfo);
            }
            catch (JsonException error)
            {
                throw Describe(error);
            }
            return value ?? throw OpenAiException.BadRequest("The request body is JSON null; send a JSON object.");
        }
        finally
        {
            body.Return();
        }
    }

    private static bool IsJson(string contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var media) || media.MediaType.Value is not { } type)
        {
            return false;
        }
        return type.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || type.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
    }

    private static OpenAiException TooLarge(long maxBytes) =>
        new(StatusCodes.Status413PayloadTooLarge, OpenAiException.InvalidRequest,
            $"The request body is larger than the server's limit of {maxBytes} bytes.", code: "request_too_large");

    private static async Task<PooledBody> ReadBoundedAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
                var read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return new PooledBody(buffer, length);
                }
                length += read;
                if (length > maxBytes)
                {
                    throw TooLarge(maxBytes);
                }
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    /// <summary>Turns a deserialization error into a 400 naming the field (from the JSON path) and the expected kind of value.</summary>
    private static OpenAiException Describe(JsonException error)
    {
        var param = ParamFromPath(error.Path);
        var where = error.LineNumber is { } line ? $" (line {line + 1}, byte {error.BytePositionInLine + 1})" : "";
        if (error.InnerException is null && error.Message.Contains("could not be converted to", StringComparison.Ordinal) && param is not null)
        {
            return OpenAiException.BadRequest($"'{param}' must be {ExpectedKind(error.Message)}{where}.", param, "invalid_type", error);
        }
        var reason = error.InnerException?.Message ?? FirstSentence(error.Message);
        return param is null
            ? OpenAiException.BadRequest($"The request body is not valid JSON{where}: {reason}", code: "invalid_json", inner: error)
            : OpenAiException.BadRequest($"The request body is not valid JSON at '{param}'{where}: {reason}", param, "invalid_json", error);
    }

    /// <summary><c>$.messages[0].role</c> becomes <c>messages[0].role</c>; the root is no field.</summary>
    internal static string? ParamFromPath(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return null;
        }
        var trimmed = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
        return trimmed.Replace("['", ".", StringComparison.Ordinal).Replace("']", "", StringComparison.Ordinal).TrimStart('.');
    }

    private static string ExpectedKind(string message)
    {
        var at = message.IndexOf("could not be converted to", StringComparison.Ordinal);
        var type = message[(at + "could not be converted to".Length)..];
        if (type.Contains("System.Single", StringComparison.Ordinal) || type.Contains("System.Double", StringComparison.Ordinal))
        {
            return "a number";
        }
        if (type.Contains("System.Int32", StringComparison.Ordinal) || type.Contains("System.Int64", StringComparison.Ordinal))
        {
            return type.Contains("List`1", StringComparison.Ordinal) ? "an array of integers" : "an integer";
        }
        if (type.Contains("System.Boolean", StringComparison.Ordinal))
        {
            return "true or false";
        }
        if (type.Contains("Dictionary`2", StringComparison.Ordinal))
        {
            return "an object";
        }
        if (type.Contains("List`1", StringComparison.Ordinal))
        {
            return "an array";
        }
        if (type.Contains("System.String", StringComparison.Ordinal))
        {
            return "a string";
        }
        return "an object";
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }

    /// <summary>A body read into a pooled buffer.</summary>
    private readonly struct PooledBody(byte[] buffer, int length)
    {
        public ReadOnlySpan<byte> Span => buffer.AsSpan(0, length);

        public int Length => length;

        public void Return() => ArrayPool<byte>.Shared.Return(buffer);
    }
}
