namespace LlmEngine.Peers;

/// <summary>
/// One figure measured for both engines in the same process: best and median of the runs by the wall clock, the
/// CPU-time estimate of the best run (rate per CPU-second times the threads), and the machine's limit.
/// </summary>
/// <param name="Model">The model file's name.</param>
/// <param name="WeightType">The type holding most of its matrix bytes.</param>
/// <param name="Threads">Threads both engines ran with.</param>
/// <param name="Figure">What was measured.</param>
/// <param name="Unit">Its unit.</param>
/// <param name="Ours">Our values.</param>
/// <param name="Peer">LLamaSharp's values.</param>
/// <param name="LimitCpu">What the machine allows for this figure by the CPU-time probes (NaN where no limit applies).</param>
internal sealed record ComparisonRow(string Model, string WeightType, int Threads, string Figure, string Unit,
    EngineFigure Ours, EngineFigure Peer, double LimitCpu)
{
    /// <summary>Ours divided by LLamaSharp's, best by the wall clock: above 1 is faster for rates, below 1 for latencies.</summary>
    public double Ratio => Ours.Best / Peer.Best;

    /// <summary>Ours divided by LLamaSharp's, by the CPU-time estimates.</summary>
    public double CpuRatio => Ours.CpuEstimate / Peer.CpuEstimate;
}
