using System.Diagnostics;

namespace LlmEngine.Cli.Benchmarking;

/// <summary>
/// vLLM's <c>benchmark_latency</c> for one engine: one request at a time with a fixed prompt, greedy, past EOS, for a
/// fixed number of tokens; warm-up runs first so that the JIT, the page cache and the thread pool are settled.
/// </summary>
internal static class LatencyBenchmark
{
    /// <summary>The sampling every benchmark request uses: greedy, exactly <paramref name="generatedTokens"/> tokens.</summary>
    public static SamplingParameters Sampling(int generatedTokens) => new()
    {
        Temperature = 0f,
        MaxTokens = generatedTokens,
        IgnoreEos = true,
        SkipSpecialTokens = false,
    };

    /// <summary>Runs <paramref name="warmups"/> untimed then <paramref name="runs"/> timed requests.</summary>
    public static async Task<LatencyResult> RunAsync(ILlmEngine engine, IReadOnlyList<int> prompt, int generatedTokens, int runs, int warmups,
        CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(runs, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(warmups);
        for (var i = 0; i < warmups; i++)
        {
            await RunOnceAsync(engine, prompt, generatedTokens, cancellationToken).ConfigureAwait(false);
        }
        var measured = new List<LatencyRun>(runs);
        for (var i = 0; i < runs; i++)
        {
            measured.Add(await RunOnceAsync(engine, prompt, generatedTokens, cancellationToken).ConfigureAwait(false));
        }
        return new LatencyResult(measured);
    }

    /// <summary>Times one request from submission to its last token.</summary>
    public static async Task<LatencyRun> RunOnceAsync(ILlmEngine engine, IReadOnlyList<int> prompt, int generatedTokens, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentOutOfRangeException.ThrowIfLessThan(generatedTokens, 1);
        var cpuStart = CpuClock.ProcessSeconds();
        var cpuFirst = cpuStart;
        var clock = Stopwatch.StartNew();
        var firstToken = TimeSpan.Zero;
        var last = TimeSpan.Zero;
        var generated = 0;
        await foreach (var output in engine.GenerateAsync(prompt, Sampling(generatedTokens), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var completion = output.Outputs[0];
            if (generated == 0 && completion.NumGeneratedTokens > 0)
            {
                firstToken = clock.Elapsed;
                cpuFirst = CpuClock.ProcessSeconds();
            }
            generated = completion.NumGeneratedTokens;
            last = clock.Elapsed;
        }
        var cpuEnd = CpuClock.ProcessSeconds();
        if (generated != generatedTokens)
        {
            throw new InvalidOperationException($"the engine generated {generated} tokens where {generatedTokens} were asked for");
        }
        return new LatencyRun(prompt.Count, generated, firstToken.TotalSeconds, (last - firstToken).TotalSeconds, cpuFirst - cpuStart, cpuEnd - cpuFirst);
    }
}
