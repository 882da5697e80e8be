using System.Text.Json.Nodes;

namespace LlmEngine.Cli.Benchmarking;

/// <summary>
/// One reported rate: best and median by the wall clock, the CPU-time estimate of the best run (rate per CPU-second
/// times the threads), and the machine's limit measured both ways (default when no probe ran).
/// </summary>
internal readonly record struct Figure(double Best, double Median, double CpuEstimate, ProbeRate Limit)
{
    /// <summary>One line: the rates, then each as a share of its limit.</summary>
    public string Describe(string limitName)
    {
        var text = $"best {BenchFormat.Number(Best)} tok/s, median {BenchFormat.Number(Median)} tok/s, CPU-time estimate {BenchFormat.Number(CpuEstimate)} tok/s";
        return Limit.Wall > 0
            ? text + $" ({limitName} limit {BenchFormat.Number(Limit.Wall)} tok/s: best is {BenchFormat.Percent(Best, Limit.Wall)}; "
                + $"by CPU time {BenchFormat.Number(Limit.Cpu)} tok/s: estimate is {BenchFormat.Percent(CpuEstimate, Limit.Cpu)})"
            : text;
    }

    /// <summary>The figure as a JSON object.</summary>
    public JsonObject ToJson() => new()
    {
        ["best"] = BenchFormat.Json(Best),
        ["median"] = BenchFormat.Json(Median),
        ["cpu_time_estimate"] = BenchFormat.Json(CpuEstimate),
        ["limit"] = Limit.Wall > 0 ? BenchFormat.Json(Limit.Wall) : null,
        ["limit_cpu_time"] = Limit.Wall > 0 ? BenchFormat.Json(Limit.Cpu) : null,
    };
}
