using System.Text.Json.Nodes;

namespace LlmEngine.Cli.Benchmarking;

/// <summary>Prints a serving run as vLLM's <c>benchmark_serving</c> does: counts, rates, then TTFT, TPOT and ITL in milliseconds.</summary>
internal static class ServeReport
{
    /// <summary>Writes the report as text, or as one JSON object when <paramref name="json"/> is set.</summary>
    public static void Write(TextWriter output, ServeResult result, string model, Uri baseUrl, double rate, int promptTokens, int genTokens, bool json)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(result);
        var ttft = result.TimesToFirstToken();
        var tpot = result.TimesPerOutputToken();
        var itl = result.InterTokenLatencies();
        var e2e = result.Latencies();
        if (json)
        {
            var report = new JsonObject
            {
                ["mode"] = "serve",
                ["url"] = baseUrl.ToString(),
                ["model"] = model,
                ["request_rate"] = double.IsPositiveInfinity(rate) ? "inf" : BenchFormat.Json(rate),
                ["prompt_tokens"] = promptTokens,
                ["gen_tokens"] = genTokens,
                ["completed"] = result.Completed,
                ["failed"] = result.Failed,
                ["duration_s"] = BenchFormat.Json(result.DurationSeconds),
                ["requests_per_s"] = BenchFormat.Json(result.RequestsPerSecond),
                ["output_tokens_per_s"] = BenchFormat.Json(result.OutputTokensPerSecond),
                ["ttft_ms"] = BenchFormat.MillisecondQuantiles(ttft),
                ["tpot_ms"] = BenchFormat.MillisecondQuantiles(tpot),
                ["itl_ms"] = BenchFormat.MillisecondQuantiles(itl),
                ["e2e_ms"] = BenchFormat.MillisecondQuantiles(e2e),
                ["first_error"] = FirstError(result),
            };
            output.WriteLine(report.ToJsonString());
            return;
        }
        output.WriteLine($"serve: {baseUrl} model {model}, {result.Requests.Count} requests at {(double.IsPositiveInfinity(rate) ? "inf" : BenchFormat.Number(rate, 2))} req/s, prompt {promptTokens} tokens, generate {genTokens}");
        output.WriteLine($"  completed {result.Completed}, failed {result.Failed}, duration {BenchFormat.Number(result.DurationSeconds, 2)} s");
        output.WriteLine($"  requests: {BenchFormat.Number(result.RequestsPerSecond, 3)} req/s; output: {BenchFormat.Number(result.OutputTokensPerSecond)} tok/s");
        Line(output, "TTFT", ttft);
        Line(output, "TPOT", tpot);
        Line(output, "ITL", itl);
        Line(output, "E2E", e2e);
        if (FirstError(result) is { } error)
        {
            output.WriteLine($"  first error: {error}");
        }
    }

    private static void Line(TextWriter output, string name, List<double> seconds) =>
        output.WriteLine($"  {name,-4} ms: mean {BenchFormat.Milliseconds(Percentiles.Mean(seconds))}, p50 {BenchFormat.Milliseconds(Percentiles.Median(seconds))}, p99 {BenchFormat.Milliseconds(Percentiles.Of(seconds, 99))}");

    private static string? FirstError(ServeResult result)
    {
        foreach (var r in result.Requests)
        {
            if (r.Error is not null)
            {
                return r.Error;
            }
        }
        return null;
    }
}
