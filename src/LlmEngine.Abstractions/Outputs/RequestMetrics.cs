namespace LlmEngine;

/// <summary>
/// Where one request's time went inside the engine (vLLM's per-request stats): waiting for its first schedule, its
/// prefill (to the first token), its decode (first to last token). Reported once, on the request's last output.
/// </summary>
public sealed record RequestMetrics
{
    /// <summary>From <see cref="ILlmEngine.AddRequest(string, IReadOnlyList{int}, SamplingParameters?, int)"/> to the first step that scheduled it; null when it never was (aborted while waiting).</summary>
    public TimeSpan? QueueTime { get; init; }

    /// <summary>From the first schedule to the first generated token; null when no token was generated.</summary>
    public TimeSpan? PrefillTime { get; init; }

    /// <summary>From the first generated token to the last; null when no token was generated.</summary>
    public TimeSpan? DecodeTime { get; init; }

    /// <summary>From the first schedule to the last generated token (prefill plus decode, preemptions included); null when no token was generated.</summary>
    public TimeSpan? InferenceTime => PrefillTime + DecodeTime;
}
