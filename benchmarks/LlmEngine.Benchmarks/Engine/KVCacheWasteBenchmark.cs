using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace LlmEngine.Benchmarks.Engine;

/// <summary>
/// KV-cache waste at the end of a 64-request run (goal: under 4%, vLLM's figure). The timed body is the whole
/// scheduler-only run; the figures are the summary's waste columns and a console line per seed.
/// </summary>
[Config(typeof(Columns))]
public class KVCacheWasteBenchmark
{
    /// <summary>Seeds the prompt and output lengths.</summary>
    [Params(1, 2, 3)]
    public int Seed { get; set; }

    /// <summary>Runs the 64 requests to the end and returns the waste at their finish.</summary>
    [Benchmark]
    public double Run64Requests() => KVCacheWasteScenario.Run(Seed).AtFinish;

    /// <summary>Prints the figures, so they are in the log even when the summary table is cut.</summary>
    [GlobalCleanup]
    public void Report()
    {
        var result = KVCacheWasteScenario.Run(Seed);
        Console.WriteLine($"// KV-cache waste, seed {Seed}: at finish {result.AtFinish:P2}, step average {result.StepAverage:P2}, " +
            $"peak step {result.Peak:P2}, preemptions {result.NumPreemptions}");
    }

    private sealed class Columns : ManualConfig
    {
        public Columns()
        {
            AddColumn(
                new KVCacheWasteColumn("Waste at finish", r => r.AtFinish),
                new KVCacheWasteColumn("Waste step avg", r => r.StepAverage),
                new KVCacheWasteColumn("Waste peak step", r => r.Peak));
        }
    }
}
