namespace LlmEngine.Scheduling;

/// <summary>The waiting queue: the order in which requests are admitted (vLLM's <c>RequestQueue</c>).</summary>
internal abstract class RequestQueue
{
    /// <summary>A queue for <paramref name="policy"/>.</summary>
    public static RequestQueue Create(SchedulingPolicy policy) => policy switch
    {
        SchedulingPolicy.Fcfs => new FcfsRequestQueue(),
        SchedulingPolicy.Priority => new PriorityRequestQueue(),
        _ => throw new ArgumentOutOfRangeException(nameof(policy), policy, "Unknown scheduling policy."),
    };

    public abstract int Count { get; }

    /// <summary>The next request to admit.</summary>
    public abstract Request Peek();

    /// <summary>Removes and returns the next request to admit.</summary>
    public abstract Request Pop();

    /// <summary>Queues a new request.</summary>
    public abstract void Add(Request request);

    /// <summary>Queues a preempted or skipped request ahead of the new ones (its original place).</summary>
    public abstract void AddFront(Request request);

    /// <summary>Removes a request from anywhere in the queue; false if it is not there.</summary>
    public abstract bool Remove(Request request);
}
