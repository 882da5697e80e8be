namespace LlmEngine.Cli.Benchmarking;

/// <summary>This machine's limits for a given thread count, measured by <see cref="BandwidthProbe"/> and <see cref="ArithmeticProbe"/>.</summary>
/// <param name="Threads">Threads the probes ran on.</param>
/// <param name="Bandwidth">Sequential read bandwidth from memory, bytes per second.</param>
/// <param name="Flops">FP32 FMA peak (two operations per FMA) per second.</param>
internal sealed record MachineLimits(int Threads, ProbeRate Bandwidth, ProbeRate Flops)
{
    /// <summary>Runs both probes (about a second on two idle cores).</summary>
    public static MachineLimits Measure(int threads) =>
        new(threads, BandwidthProbe.Measure(threads), ArithmeticProbe.Measure(threads));
}
