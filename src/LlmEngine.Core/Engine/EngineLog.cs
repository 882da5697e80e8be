using Microsoft.Extensions.Logging;

namespace LlmEngine.Engine;

/// <summary>The engine's source-generated log messages.</summary>
internal static partial class EngineLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Engine started: {NumBlocks} KV blocks of {BlockSize} tokens, max model length {MaxModelLength}, max {MaxNumSeqs} sequences, {MaxNumBatchedTokens} tokens per step")]
    public static partial void Started(ILogger logger, int numBlocks, int blockSize, int maxModelLength, int maxNumSeqs, int maxNumBatchedTokens);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "Request {RequestId} failed")]
    public static partial void RequestFailed(ILogger logger, Exception exception, string requestId);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "A step with {NumRequests} requests failed; running them one at a time to find the failing ones")]
    public static partial void IsolatingFailedStep(ILogger logger, Exception exception, int numRequests);

    [LoggerMessage(EventId = 4, Level = LogLevel.Error, Message = "The engine step failed; failing every request")]
    public static partial void StepFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 5, Level = LogLevel.Debug, Message = "Request {RequestId} finished: {FinishReason}")]
    public static partial void RequestFinished(ILogger logger, string requestId, string finishReason);
}
