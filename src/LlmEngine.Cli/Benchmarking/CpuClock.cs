namespace LlmEngine.Cli.Benchmarking;

/// <summary>
/// The CPU time this process has used, all threads together. On a shared machine the wall clock counts the time other
/// processes held the cores; CPU time does not, so rates per CPU-second times the thread count estimate what the same
/// work reaches on an idle machine (time spent spinning at barriers still counts, as it should).
/// </summary>
internal static class CpuClock
{
    /// <summary>User plus kernel CPU seconds of the whole process so far.</summary>
    public static double ProcessSeconds() => Environment.CpuUsage.TotalTime.TotalSeconds;
}
