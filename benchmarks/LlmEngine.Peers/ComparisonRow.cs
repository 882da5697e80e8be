namespace LlmEngine.Peers;

/// <summary>One figure measured for both engines in the same process: best and median of the runs, and each engine's machine limit.</summary>
/// <param name="Model">The model file's name.</param>
/// <param name="WeightType">The type holding most of its matrix bytes.</param>
/// <param name="Threads">Threads both engines ran with.</param>
/// <param name="Figure">What was measured.</param>
/// <param name="Unit">Its unit.</param>
/// <param name="HigherIsBetter">Whether a larger value is better (rates) or worse (latencies).</param>
/// <param name="Ours">Our best value.</param>
/// <param name="OursMedian">Our median value.</param>
/// <param name="Peer">LLamaSharp's best value.</param>
/// <param name="PeerMedian">LLamaSharp's median value.</param>
/// <param name="Limit">What the machine allows for this figure (NaN where no limit applies).</param>
internal sealed record ComparisonRow(string Model, string WeightType, int Threads, string Figure, string Unit, bool HigherIsBetter,
    double Ours, double OursMedian, double Peer, double PeerMedian, double Limit)
{
    /// <summary>Ours divided by LLamaSharp's (best values): above 1 is faster for rates, below 1 is faster for latencies.</summary>
    public double Ratio => Ours / Peer;
}
