using LlmEngine.Scheduling;

namespace LlmEngine.Engine;

/// <summary>
/// The token-level stop rules, checked after each sampled token in vLLM's order: length (max tokens or the context
/// length) first, then, once <c>MinTokens</c> are out, EOS (unless ignored) and the stop token ids.
/// Stop strings are checked on the text afterwards.
/// </summary>
internal static class StopChecker
{
    public static RequestStatus? Check(Request request, int maxModelLength, ReadOnlySpan<int> endOfGenerationTokenIds, ReadOnlySpan<int> stopTokenIds, out object? stopReason)
    {
        stopReason = null;
        if (request.NumTokens >= maxModelLength || request.NumOutputTokens >= request.MaxTokens)
        {
            return RequestStatus.FinishedLength;
        }
        if (request.NumOutputTokens < request.Parameters.MinTokens)
        {
            return null;
        }
        var last = request.LastTokenId;
        if (!request.Parameters.IgnoreEos && endOfGenerationTokenIds.Contains(last))
        {
            return RequestStatus.FinishedStopped;
        }
        if (stopTokenIds.Contains(last))
        {
            stopReason = last;
            return RequestStatus.FinishedStopped;
        }
        return null;
    }
}
