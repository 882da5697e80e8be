using Microsoft.Extensions.Logging;

namespace LlmEngine.Hosting.Server;

/// <summary>The server's log messages (source-generated).</summary>
internal static partial class ServerLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "Request {Method} {Path} failed with {StatusCode}")]
    public static partial void RequestFailed(ILogger logger, string method, string path, int statusCode, Exception error);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "Client left {Method} {Path} before the response ended; its engine requests were aborted")]
    public static partial void ClientLeft(ILogger logger, string method, string path);
}
