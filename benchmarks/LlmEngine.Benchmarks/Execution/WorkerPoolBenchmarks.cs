using BenchmarkDotNet.Attributes;
using LlmEngine.Execution.Cpu;

namespace LlmEngine.Benchmarks.Execution;

/// <summary>
/// The hand-off cost of <see cref="CpuWorkerPool"/>: one operation of empty work items split over every thread, so the
/// time per operation is the publish, the chunk hand-out and the wait for the helpers, nothing else. A decode step
/// runs about five such operations per layer. <c>SpinMicroseconds</c> 0 parks at once (every hand-off a semaphore
/// wake-up, the behaviour before the spinning barrier).
/// </summary>
[MemoryDiagnoser]
public class WorkerPoolBenchmarks
{
    private const int OperationsPerInvoke = 1000;

    private readonly EmptyWork _work = new();
    private CpuWorkerPool _pool = null!;

    /// <summary>Threads in the pool, the caller included.</summary>
    [Params(2)]
    public int Threads { get; set; }

    /// <summary>How long an idle thread spins before it parks.</summary>
    [Params(0, 200)]
    public int SpinMicroseconds { get; set; }

    /// <summary>Whether the helpers are pinned to CPUs.</summary>
    [Params(false, true)]
    public bool Pin { get; set; }

    [GlobalSetup]
    public void Setup() => _pool = new CpuWorkerPool(Threads, Pin, TimeSpan.FromMicroseconds(SpinMicroseconds));

    /// <summary>One empty parallel operation (the reported time is per operation).</summary>
    [Benchmark(OperationsPerInvoke = OperationsPerInvoke)]
    public void EmptyParallelRun()
    {
        for (var i = 0; i < OperationsPerInvoke; i++)
        {
            _pool.Run(_work, Threads * 4);
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _pool.Dispose();

    private sealed class EmptyWork : IParallelWork
    {
        public void Execute(int start, int end, int worker)
        {
        }
    }
}
