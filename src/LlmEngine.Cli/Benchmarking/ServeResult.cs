namespace LlmEngine.Cli.Benchmarking;

/// <summary>A serving run's figures, as vLLM's <c>benchmark_serving</c> prints them (times in seconds).</summary>
internal sealed record ServeResult(IReadOnlyList<StreamedCompletion> Requests, double DurationSeconds)
{
    /// <summary>Requests that finished without error.</summary>
    public int Completed => Count(true);

    /// <summary>Requests that failed.</summary>
    public int Failed => Count(false);

    /// <summary>Completed requests per second of the whole run.</summary>
    public double RequestsPerSecond => Completed / DurationSeconds;

    /// <summary>Generated tokens of the completed requests per second of the whole run.</summary>
    public double OutputTokensPerSecond
    {
        get
        {
            long tokens = 0;
            foreach (var r in Requests)
            {
                tokens += r.Succeeded ? r.OutputTokens : 0;
            }
            return tokens / DurationSeconds;
        }
    }

    /// <summary>Time to first token of each completed request.</summary>
    public List<double> TimesToFirstToken() => Collect(r => [r.TimeToFirstTokenSeconds]);

    /// <summary>Time per output token (after the first) of each completed request with two tokens or more.</summary>
    public List<double> TimesPerOutputToken() => Collect(r => [r.TimePerOutputTokenSeconds]);

    /// <summary>Every gap between successive chunks of the completed requests.</summary>
    public List<double> InterTokenLatencies() => Collect(r => r.InterTokenLatencies());

    /// <summary>End-to-end latency of each completed request.</summary>
    public List<double> Latencies() => Collect(r => [r.LatencySeconds]);

    private int Count(bool succeeded)
    {
        var n = 0;
        foreach (var r in Requests)
        {
            n += r.Succeeded == succeeded ? 1 : 0;
        }
        return n;
    }

    private List<double> Collect(Func<StreamedCompletion, IEnumerable<double>> select)
    {
        var values = new List<double>();
        foreach (var r in Requests)
        {
            if (!r.Succeeded)
            {
                continue;
            }
            foreach (var v in select(r))
            {
                if (!double.IsNaN(v))
                {
                    values.Add(v);
                }
            }
        }
        return values;
    }
}
