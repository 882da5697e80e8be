namespace LlmEngine.Cli.Benchmarking;

/// <summary>The measured runs of a latency benchmark (warm-up runs excluded), with their best and median rates.</summary>
internal sealed record LatencyResult(IReadOnlyList<LatencyRun> Runs)
{
    /// <summary>The fastest prompt rate of the runs, in tokens per second.</summary>
    public double BestPromptTokensPerSecond => Percentiles.Max(PromptRates());

    /// <summary>The median prompt rate of the runs, in tokens per second.</summary>
    public double MedianPromptTokensPerSecond => Percentiles.Median(PromptRates());

    /// <summary>The fastest generation rate of the runs, in tokens per second.</summary>
    public double BestGenerationTokensPerSecond => Percentiles.Max(GenerationRates());

    /// <summary>The median generation rate of the runs, in tokens per second.</summary>
    public double MedianGenerationTokensPerSecond => Percentiles.Median(GenerationRates());

    /// <summary>The median time to first token, in seconds.</summary>
    public double MedianTimeToFirstTokenSeconds
    {
        get
        {
            var values = new List<double>(Runs.Count);
            foreach (var run in Runs)
            {
                values.Add(run.PromptSeconds);
            }
            return Percentiles.Median(values);
        }
    }

    private List<double> PromptRates()
    {
        var values = new List<double>(Runs.Count);
        foreach (var run in Runs)
        {
            values.Add(run.PromptTokensPerSecond);
        }
        return values;
    }

    private List<double> GenerationRates()
    {
        var values = new List<double>(Runs.Count);
        foreach (var run in Runs)
        {
            values.Add(run.GenerationTokensPerSecond);
        }
        return values;
    }
}
