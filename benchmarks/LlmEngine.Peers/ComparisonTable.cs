using System.Text.Json.Nodes;
using LlmEngine.Cli.Benchmarking;

namespace LlmEngine.Peers;

/// <summary>Prints the comparison as a Markdown table (pasted as is into docs/performance.md) or as JSON.</summary>
internal static class ComparisonTable
{
    /// <summary>Writes the rows as one Markdown table.</summary>
    public static void WriteMarkdown(TextWriter output, IReadOnlyList<ComparisonRow> rows)
    {
        output.WriteLine("| model | type | threads | figure | ours | LLamaSharp | ratio | ours % of limit | LLamaSharp % of limit |");
        output.WriteLine("| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (var row in rows)
        {
            var decimals = row.Unit == "ms" ? 0 : 1;
            output.WriteLine($"| {row.Model} | {row.WeightType} | {row.Threads} | {row.Figure} ({row.Unit}) | {BenchFormat.Number(row.Ours, decimals)} | "
                + $"{BenchFormat.Number(row.Peer, decimals)} | {BenchFormat.Number(row.Ratio, 2)}× | {BenchFormat.Percent(row.Ours, row.Limit)} | {BenchFormat.Percent(row.Peer, row.Limit)} |");
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
                ["higher_is_better"] = row.HigherIsBetter,
                ["ours_best"] = BenchFormat.Json(row.Ours),
                ["ours_median"] = BenchFormat.Json(row.OursMedian),
                ["llamasharp_best"] = BenchFormat.Json(row.Peer),
                ["llamasharp_median"] = BenchFormat.Json(row.PeerMedian),
                ["ratio"] = BenchFormat.Json(row.Ratio),
                ["limit"] = BenchFormat.Json(row.Limit),
            });
        }
        var report = new JsonObject
        {
            ["bandwidth_gb_per_s"] = limits is null ? null : BenchFormat.Json(limits.BandwidthBytesPerSecond / 1e9),
            ["fp32_gflop_per_s"] = limits is null ? null : BenchFormat.Json(limits.FlopsPerSecond / 1e9),
            ["rows"] = array,
        };
        output.WriteLine(report.ToJsonString());
    }
}
