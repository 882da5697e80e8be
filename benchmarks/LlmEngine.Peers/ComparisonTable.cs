using System.Text.Json.Nodes;
using LlmEngine.Cli.Benchmarking;

namespace LlmEngine.Peers;

/// <summary>Prints the comparison as a Markdown table (pasted as is into docs/performance.md) or as JSON.</summary>
internal static class ComparisonTable
{
    /// <summary>Writes the rows as one Markdown table.</summary>
    public static void WriteMarkdown(TextWriter output, IReadOnlyList<ComparisonRow> rows)
    {
        output.WriteLine("| model | type | threads | figure | ours | LLamaSharp | ratio | ours (CPU time) | LLamaSharp (CPU time) | ratio (CPU time) | ours % of limit | LLamaSharp % of limit |");
        output.WriteLine("| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var row in rows)
        {
            var d = row.Unit == "ms" ? 0 : 1;
            output.WriteLine($"| {row.Model} | {row.WeightType} | {row.Threads} | {row.Figure} ({row.Unit}) "
                + $"| {BenchFormat.Number(row.Ours.Best, d)} | {BenchFormat.Number(row.Peer.Best, d)} | {BenchFormat.Number(row.Ratio, 2)}× "
                + $"| {BenchFormat.Number(row.Ours.CpuEstimate, d)} | {BenchFormat.Number(row.Peer.CpuEstimate, d)} | {BenchFormat.Number(row.CpuRatio, 2)}× "
                + $"| {BenchFormat.Percent(row.Ours.CpuEstimate, row.LimitCpu)} | {BenchFormat.Percent(row.Peer.CpuEstimate, row.LimitCpu)} |");
        }
    }

    /// <summary>Writes the rows, with medians and limits, as a JSON array.</summary>
    public static void WriteJson(TextWriter output, IReadOnlyList<ComparisonRow> rows, MachineLimits? limits)
    {
        var array = new JsonArray();
        foreach (var row in rows)
        {
            array.Add(new JsonObject
            {
                ["model"] = row.Model,
                ["weight_type"] = row.WeightType,
                ["threads"] = row.Threads,
                ["figure"] = row.Figure,
                ["unit"] = row.Unit,
                ["ours_best"] = BenchFormat.Json(row.Ours.Best),
                ["ours_median"] = BenchFormat.Json(row.Ours.Median),
                ["ours_cpu_time_estimate"] = BenchFormat.Json(row.Ours.CpuEstimate),
                ["llamasharp_best"] = BenchFormat.Json(row.Peer.Best),
                ["llamasharp_median"] = BenchFormat.Json(row.Peer.Median),
                ["llamasharp_cpu_time_estimate"] = BenchFormat.Json(row.Peer.CpuEstimate),
                ["ratio"] = BenchFormat.Json(row.Ratio),
                ["ratio_cpu_time"] = BenchFormat.Json(row.CpuRatio),
                ["limit_cpu_time"] = BenchFormat.Json(row.LimitCpu),
            });
        }
        var report = new JsonObject
        {
            ["bandwidth_gb_per_s"] = limits is null ? null : BenchFormat.Json(limits.Bandwidth.Wall / 1e9),
            ["bandwidth_gb_per_s_cpu_time"] = limits is null ? null : BenchFormat.Json(limits.Bandwidth.Cpu / 1e9),
            ["fp32_gflop_per_s"] = limits is null ? null : BenchFormat.Json(limits.Flops.Wall / 1e9),
            ["fp32_gflop_per_s_cpu_time"] = limits is null ? null : BenchFormat.Json(limits.Flops.Cpu / 1e9),
            ["rows"] = array,
        };
        output.WriteLine(report.ToJsonString());
    }
}
