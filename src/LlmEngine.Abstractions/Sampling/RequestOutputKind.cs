namespace LlmEngine;

/// <summary>What each <see cref="RequestOutput"/> of a request's stream carries (vLLM's <c>RequestOutputKind</c>).</summary>
public enum RequestOutputKind
{
    /// <summary>Only what is new since the previous output: text and token deltas.</summary>
    Delta,

    /// <summary>Everything generated so far.</summary>
    Cumulative,

    /// <summary>One output when the request finishes, with everything generated.</summary>
    FinalOnly,
}
