namespace LlmEngine.Cli.Benchmarking;

/// <summary>The measured runs of a latency benchmark (warm-up runs excluded), summarised by best and median.</summary>
internal sealed record LatencyResult(IReadOnlyList<LatencyRun> Runs)
{
    /// <summary>The fastest prompt rate of the runs, in tokens per second.</summary>
    public double BestPromptTokensPerSecond => Best(r => r.PromptTokensPerSecond);

    /// <summary>The median prompt rate of the runs, in tokens per second.</summary>
    public double MedianPromptTokensPerSecond => Median(r => r.PromptTokensPerSecond);

    /// <summary>The fastest generation rate of the runs, in tokens per second.</summary>
    public double BestGenerationTokensPerSecond => Best(r => r.GenerationTokensPerSecond);

    /// <summary>The median generation rate of the runs, in tokens per second.</summary>
    public double MedianGenerationTokensPerSecond => Median(r => r.GenerationTokensPerSecond);

    /// <summary>The median time to first token, in seconds.</summary>
    public double MedianTimeToFirstTokenSeconds => Median(r => r.PromptSeconds);

    /// <summary>The largest value of <paramref name="figure"/> over the runs.</summary>
    public double Best(Func<LatencyRun, double> figure) => Percentiles.Max(Values(figure));

    /// <summary>The smallest value of <paramref name="figure"/> over the runs.</summary>
    public double Least(Func<LatencyRun, double> figure) => Percentiles.Min(Values(figure));

    /// <summary>The median value of <paramref name="figure"/> over the runs.</summary>
    public double Median(Func<LatencyRun, double> figure) => Percentiles.Median(Values(figure));

    private List<double> Values(Func<LatencyRun, double> figure)
    {
        ArgumentNullException.ThrowIfNull(figure);
        var values = new List<double>(Runs.Count);
        foreach (var run in Runs)
        {
            values.Add(figure(run));
        }
        return values;
    }
}
