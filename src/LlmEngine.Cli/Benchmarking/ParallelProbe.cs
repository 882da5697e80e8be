using System.Diagnostics;

namespace LlmEngine.Cli.Benchmarking;

/// <summary>Runs one body on dedicated threads released together, timing from the release to the last one's end.</summary>
internal static class ParallelProbe
{
    /// <summary>Runs <paramref name="body"/>(thread index) on <paramref name="threads"/> threads; returns the wall and process CPU seconds it took.</summary>
    public static (double Wall, double Cpu) Run(int threads, Action<int> body)
    {
        using var ready = new CountdownEvent(threads);
        using var go = new ManualResetEventSlim(false);
        var workers = new Thread[threads];
        for (var t = 0; t < threads; t++)
        {
            var index = t;
            workers[t] = new Thread(() =>
            {
                ready.Signal();
                go.Wait();
                body(index);
            })
            { IsBackground = true, Name = "probe-" + index };
            workers[t].Start();
        }
        ready.Wait();
        var cpu = CpuClock.ProcessSeconds();
        var clock = Stopwatch.StartNew();
        go.Set();
        foreach (var worker in workers)
        {
            worker.Join();
        }
        return (clock.Elapsed.TotalSeconds, CpuClock.ProcessSeconds() - cpu);
    }
}
