using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using LlmEngine.Sampling.Constraints;

namespace LlmEngine.Cli.Benchmarking;

/// <summary>
/// vLLM's <c>benchmark_throughput</c> for one engine: every request is added before the first step, so the scheduler
/// batches them as it likes; the figure is the aggregate rate from the first submission to the last token.
/// </summary>
internal static class ThroughputBenchmark
{
    /// <summary>
    /// Submits every prompt at once, each for <paramref name="generatedTokens"/> greedy tokens (under
    /// <paramref name="constraint"/> when given), and waits for all.
    /// </summary>
    public static async Task<ThroughputResult> RunAsync(ILlmEngine engine, IReadOnlyList<int[]> prompts, int generatedTokens,
        CancellationToken cancellationToken, ConstraintSpec? constraint = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentOutOfRangeException.ThrowIfLessThan(prompts.Count, 1);
        var sampling = LatencyBenchmark.Sampling(generatedTokens) with { Constraint = constraint };
        var runId = Guid.NewGuid().ToString("N");
        var readers = new ChannelReader<RequestOutput>[prompts.Count];
        var promptTokens = 0;
        var cpu = CpuClock.ProcessSeconds();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < prompts.Count; i++)
        {
            readers[i] = engine.AddRequest($"bench-{runId}-{i.ToString(CultureInfo.InvariantCulture)}", prompts[i], sampling);
            promptTokens += prompts[i].Length;
        }
        var drains = new Task<(int Generated, double FirstToken)>[readers.Length];
        for (var i = 0; i < readers.Length; i++)
        {
            drains[i] = DrainAsync(readers[i], clock, cancellationToken);
        }
        var results = await Task.WhenAll(drains).ConfigureAwait(false);
        var elapsed = clock.Elapsed.TotalSeconds;
        cpu = CpuClock.ProcessSeconds() - cpu;
        var generated = 0;
        var firstTokens = new double[results.Length];
        for (var i = 0; i < results.Length; i++)
        {
            if (results[i].Generated != generatedTokens)
            {
                throw new InvalidOperationException($"request {i} generated {results[i].Generated} tokens where {generatedTokens} were asked for");
            }
            generated += results[i].Generated;
            firstTokens[i] = results[i].FirstToken;
        }
        return new ThroughputResult(prompts.Count, promptTokens, generated, elapsed, firstTokens, cpu);
    }

    private static async Task<(int Generated, double FirstToken)> DrainAsync(ChannelReader<RequestOutput> reader, Stopwatch clock,
        CancellationToken cancellationToken)
    {
        var generated = 0;
        var firstToken = double.NaN;
        await foreach (var output in reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            var completion = output.Outputs[0];
            if (generated == 0 && completion.NumGeneratedTokens > 0)
            {
                firstToken = clock.Elapsed.TotalSeconds;
            }
            generated = completion.NumGeneratedTokens;
        }
        return (generated, firstToken);
    }
}
