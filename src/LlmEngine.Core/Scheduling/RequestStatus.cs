namespace LlmEngine.Scheduling;

/// <summary>Where a request is in its life (vLLM's <c>RequestStatus</c>).</summary>
internal enum RequestStatus
{
    /// <summary>Queued, never admitted.</summary>
    Waiting,

    /// <summary>Holding blocks and being stepped.</summary>
    Running,

    /// <summary>Its blocks were taken back; queued to be recomputed.</summary>
    Preempted,

    /// <summary>Ended by EOS, a stop token id or a stop string.</summary>
    FinishedStopped,

    /// <summary>Ended by max tokens or the context length.</summary>
    FinishedLength,

    /// <summary>Ended by the caller.</summary>
    FinishedAborted,

    /// <summary>Ended by an error while it was being stepped.</summary>
    FinishedError,
}
