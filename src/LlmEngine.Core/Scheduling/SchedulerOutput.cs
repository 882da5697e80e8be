namespace LlmEngine.Scheduling;

/// <summary>
/// What one step computes (vLLM's <c>SchedulerOutput</c>): requests scheduled for the first time since admission
/// (their whole data goes to the executor) and requests already running (only the diff: their new tokens and
/// blocks), each with <see cref="Request.NumScheduledTokens"/>. Reused between steps.
/// </summary>
internal sealed class SchedulerOutput
{
    /// <summary>Requests admitted this step (new or resumed after preemption), in admission order.</summary>
    public List<Request> ScheduledNewRequests { get; } = [];

    /// <summary>Requests that were already running, in running order.</summary>
    public List<Request> ScheduledCachedRequests { get; } = [];

    /// <summary>Requests preempted this step.</summary>
    public List<Request> PreemptedRequests { get; } = [];

    /// <summary>Ids of requests that finished since the previous step, so an executor can drop per-request state.</summary>
    public List<string> FinishedRequestIds { get; } = [];

    /// <summary>Tokens scheduled over all requests.</summary>
    public int TotalNumScheduledTokens { get; set; }

    /// <summary>Number of scheduled requests.</summary>
    public int NumScheduledRequests => ScheduledCachedRequests.Count + ScheduledNewRequests.Count;

    /// <summary>The scheduled request at batch position <paramref name="index"/>: running ones first, then new ones.</summary>
    public Request GetScheduledRequest(int index) =>
        index < ScheduledCachedRequests.Count ? ScheduledCachedRequests[index] : ScheduledNewRequests[index - ScheduledCachedRequests.Count];

    public void Clear()
    {
        ScheduledNewRequests.Clear();
        ScheduledCachedRequests.Clear();
        PreemptedRequests.Clear();
        FinishedRequestIds.Clear();
        TotalNumScheduledTokens = 0;
    }
}
