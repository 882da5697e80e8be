namespace LlmEngine.Benchmarks.Engine;

/// <summary>The waste figures of one <see cref="KVCacheWasteScenario"/> run.</summary>
/// <param name="AtFinish">Summed over the 64 requests at the moment each finishes: unused slots / allocated slots.</param>
/// <param name="StepAverage">Summed over every step of the run (the cache after each step), so a time-weighted mean.</param>
/// <param name="Peak">The worst single step.</param>
/// <param name="NumPreemptions">Preemptions in the run (0 with the pool sized for every request).</param>
internal sealed record KVCacheWasteResult(double AtFinish, double StepAverage, double Peak, long NumPreemptions);
