namespace LlmEngine.Cli.Benchmarking;

/// <summary>
/// A rate measured two ways: per wall-clock second, and per CPU-second times the thread count (what the threads
/// would reach if they had the cores to themselves; see <see cref="CpuClock"/>).
/// </summary>
internal readonly record struct ProbeRate(double Wall, double Cpu)
{
    /// <summary>The rates of <paramref name="amount"/> done in <paramref name="wallSeconds"/> using <paramref name="cpuSeconds"/> on <paramref name="threads"/> threads.</summary>
    public static ProbeRate Of(double amount, double wallSeconds, double cpuSeconds, int threads) =>
        new(amount / wallSeconds, cpuSeconds > 0 ? amount * threads / cpuSeconds : double.NaN);

    /// <summary>The better of each rate.</summary>
    public ProbeRate Max(ProbeRate other) => new(Math.Max(Wall, other.Wall), double.IsNaN(Cpu) ? other.Cpu : Math.Max(Cpu, other.Cpu));
}
