namespace LlmEngine;

/// <summary>The order in which waiting requests are admitted and running ones preempted.</summary>
public enum SchedulingPolicy
{
    /// <summary>First come, first served; the most recently admitted running request is preempted first.</summary>
    Fcfs,

    /// <summary>Lowest priority value first (ties by arrival); the request with the highest value (latest arrival) is preempted first.</summary>
    Priority,
}
