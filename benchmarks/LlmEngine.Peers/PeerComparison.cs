using LlmEngine.Cli.Benchmarking;
using LlmEngine.Composition;

namespace LlmEngine.Peers;

/// <summary>
/// Measures one model with both engines loaded in the same process, alternating their runs so that the noise of a
/// shared machine falls on both alike.
/// </summary>
internal static class PeerComparison
{
    /// <summary>Runs the latency comparison, then the throughput one, and returns the table rows.</summary>
    public static async Task<List<ComparisonRow>> RunAsync(string path, ComparisonSettings settings, MachineLimits? limits, TextWriter log,
        CancellationToken cancellationToken)
    {
        var sequences = Math.Max(1, settings.Requests);
        var sequenceLength = settings.PromptTokens + settings.GenTokens;
        await using var ours = LocalModel.Load(BenchModel.Options(path, settings.Threads, sequenceLength, sequences));
        using var peer = LlamaSharpPeer.Load(path, settings.Threads, sequenceLength, sequences);
        var cost = ModelCost.Of(ours.Model.Tensors, ours.Config);
        var name = Path.GetFileNameWithoutExtension(path);
        var type = cost.WeightType.ToString();
        log.WriteLine($"{name}: {cost.WeightType}, {cost.WeightBytesPerToken / 1e6:F1} MB per token; loaded: ours {ours.LoadTime.TotalMilliseconds:F0} ms "
            + $"({ours.ThreadCount} threads), LLamaSharp {peer.LoadTime.TotalMilliseconds:F0} ms ({peer.Threads} threads)");

        var prompt = BenchModel.Prompts(ours, 1, settings.PromptTokens, settings.Seed)[0];
        await LatencyBenchmark.RunOnceAsync(ours.Engine, prompt, settings.GenTokens, cancellationToken).ConfigureAwait(false);
        peer.RunLatency(prompt, settings.GenTokens);
        var oursRuns = new List<LatencyRun>();
        var peerRuns = new List<LatencyRun>();
        for (var r = 0; r < settings.Runs; r++)
        {
            oursRuns.Add(await LatencyBenchmark.RunOnceAsync(ours.Engine, prompt, settings.GenTokens, cancellationToken).ConfigureAwait(false));
            peerRuns.Add(peer.RunLatency(prompt, settings.GenTokens));
            log.WriteLine($"  run {r + 1}: prompt {oursRuns[^1].PromptTokensPerSecond:F1} vs {peerRuns[^1].PromptTokensPerSecond:F1} tok/s, "
                + $"generation {oursRuns[^1].GenerationTokensPerSecond:F1} vs {peerRuns[^1].GenerationTokensPerSecond:F1} tok/s");
        }
        var o = new LatencyResult(oursRuns);
        var p = new LatencyResult(peerRuns);
        var t = settings.Threads;
        var promptLimit = limits is null ? double.NaN : limits.Flops.Cpu * cost.PromptLimit(settings.PromptTokens, 1);
        var genLimit = limits is null ? double.NaN : limits.Bandwidth.Cpu * cost.GenerationLimit(1);
        var rows = new List<ComparisonRow>
        {
            new(name, type, t, $"prompt {settings.PromptTokens}", "tok/s", PromptRate(o, t), PromptRate(p, t), promptLimit),
            new(name, type, t, "generation, batch 1", "tok/s", GenerationRate(o, t), GenerationRate(p, t), genLimit),
            new(name, type, t, $"time to first token, prompt {settings.PromptTokens}", "ms", FirstToken(o, t), FirstToken(p, t), double.NaN),
        };
        if (settings.Requests > 0)
        {
            var prompts = BenchModel.Prompts(ours, settings.Requests, settings.PromptTokens, settings.Seed + 1);
            var oursThroughput = await ThroughputBenchmark.RunAsync(ours.Engine, prompts, settings.GenTokens, cancellationToken).ConfigureAwait(false);
            var peerThroughput = peer.RunThroughput(prompts, settings.GenTokens);
            log.WriteLine($"  {settings.Requests} requests: ours {oursThroughput.ElapsedSeconds:F1} s, LLamaSharp {peerThroughput.ElapsedSeconds:F1} s");
            rows.Add(new(name, type, t, $"generation, {settings.Requests} requests at once", "tok/s",
                new(oursThroughput.GenerationTokensPerSecond, oursThroughput.GenerationTokensPerSecond, t * oursThroughput.GenerationTokensPerCpuSecond),
                new(peerThroughput.GenerationTokensPerSecond, peerThroughput.GenerationTokensPerSecond, t * peerThroughput.GenerationTokensPerCpuSecond), double.NaN));
            rows.Add(new(name, type, t, $"total (prompt + generation), {settings.Requests} requests", "tok/s",
                new(oursThroughput.TotalTokensPerSecond, oursThroughput.TotalTokensPerSecond, t * oursThroughput.TotalTokensPerCpuSecond),
                new(peerThroughput.TotalTokensPerSecond, peerThroughput.TotalTokensPerSecond, t * peerThroughput.TotalTokensPerCpuSecond), double.NaN));
        }
        return rows;
    }

    private static EngineFigure PromptRate(LatencyResult r, int threads) =>
        new(r.BestPromptTokensPerSecond, r.MedianPromptTokensPerSecond, threads * r.Best(run => run.PromptTokensPerCpuSecond));

    private static EngineFigure GenerationRate(LatencyResult r, int threads) =>
        new(r.BestGenerationTokensPerSecond, r.MedianGenerationTokensPerSecond, threads * r.Best(run => run.GenerationTokensPerCpuSecond));

    private static EngineFigure FirstToken(LatencyResult r, int threads) =>
        new(r.Least(run => run.PromptSeconds) * 1000, r.MedianTimeToFirstTokenSeconds * 1000, r.Least(run => run.PromptCpuSeconds) / threads * 1000);
}
