using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using LlmEngine.Hosting.Errors;
using LlmEngine.Hosting.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace LlmEngine.Hosting.Streaming;

/// <summary>
/// Writes a response as server-sent events the way OpenAI does: <c>data: {json}\n\n</c> per event, each flushed at
/// once (one token can be one event), ending with <c>data: [DONE]\n\n</c>.
/// </summary>
internal sealed class ServerSentEvents
{
    private static readonly byte[] s_prefix = "data: "u8.ToArray();
    private static readonly byte[] s_suffix = "\n\n"u8.ToArray();
    private static readonly byte[] s_done = "data: [DONE]\n\n"u8.ToArray();

    private readonly HttpResponse _response;
    private readonly CancellationToken _cancellationToken;
    private readonly Utf8JsonWriter _writer;

    private ServerSentEvents(HttpContext context)
    {
        _response = context.Response;
        _cancellationToken = context.RequestAborted;
        _writer = new Utf8JsonWriter(_response.BodyWriter, new JsonWriterOptions { SkipValidation = true });
    }

    /// <summary>Sends the status and headers of an event stream.</summary>
    public static async Task<ServerSentEvents> StartAsync(HttpContext context)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await response.StartAsync(context.RequestAborted).ConfigureAwait(false);
        return new ServerSentEvents(context);
    }

    /// <summary>Writes one event and flushes it.</summary>
    public async ValueTask WriteAsync<T>(T value, JsonTypeInfo<T> typeInfo)
    {
        _response.BodyWriter.Write(s_prefix);
        JsonSerializer.Serialize(_writer, value, typeInfo);
        _writer.Flush();
        _writer.Reset();
        _response.BodyWriter.Write(s_suffix);
        await _response.BodyWriter.FlushAsync(_cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes an error event (the way to report a failure once the stream has started).</summary>
    public ValueTask WriteErrorAsync(OpenAiException error) => WriteAsync(error.ToResponse(), OpenAiJsonContext.Default.ErrorResponse);

    /// <summary>Writes <c>data: [DONE]</c>.</summary>
    public async ValueTask CompleteAsync()
    {
        _response.BodyWriter.Write(s_done);
        await _response.BodyWriter.FlushAsync(_cancellationToken).ConfigureAwait(false);
    }
}
