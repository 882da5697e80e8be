namespace LlmEngine.Cli.Benchmarking;

/// <summary>This machine's limits for a given thread count, measured by <see cref="BandwidthProbe"/> and <see cref="ArithmeticProbe"/>.</summary>
/// <param name="Threads">Threads the probes ran on.</param>
/// <param name="BandwidthBytesPerSecond">Sequential read bandwidth from memory.</param>
/// <param name="FlopsPerSecond">FP32 FMA peak (two operations per FMA).</param>
internal sealed record MachineLimits(int Threads, double BandwidthBytesPerSecond, double FlopsPerSecond)
{
    /// <summary>Runs both probes (about a second on two cores).</summary>
    public static MachineLimits Measure(int threads) =>
        new(threads, BandwidthProbe.Measure(threads), ArithmeticProbe.Measure(threads));
}
