namespace LlmEngine;

/// <summary>Ends a request's stream when the request failed inside the engine; other requests are unaffected.</summary>
public sealed class LlmEngineRequestException : Exception
{
    /// <summary>Creates the exception for <paramref name="requestId"/>.</summary>
    public LlmEngineRequestException(string requestId, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        RequestId = requestId;
    }

    /// <summary>The failed request's id.</summary>
    public string RequestId { get; }
}
