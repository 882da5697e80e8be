using System.Runtime.ExceptionServices;

namespace LlmEngine.Execution.Cpu;

/// <summary>
/// A small pool of long-lived threads for the forward pass. <see cref="Run"/> hands out chunks of an operation's items
/// through one atomic counter (so uneven rows balance), runs chunks on the calling thread too, and returns when all
/// are done. Threads park on their own semaphore between operations; nothing is allocated per run.
/// </summary>
internal sealed class CpuWorkerPool : IDisposable
{
    private const int ChunksPerThread = 4;

    private readonly Thread[] _threads;
    private readonly SemaphoreSlim[] _wake;
    private readonly ManualResetEventSlim _done = new(false, spinCount: 200);
    private IParallelWork? _work;
    private int _count;
    private int _chunk;
    private int _next;
    private int _pending;
    private Exception? _error;
    private volatile bool _stopping;

    /// <summary>Starts <paramref name="threadCount"/> - 1 helper threads; the caller of <see cref="Run"/> is the last one.</summary>
    public CpuWorkerPool(int threadCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threadCount, 1);
        ThreadCount = threadCount;
        _threads = new Thread[threadCount - 1];
        _wake = new SemaphoreSlim[threadCount - 1];
        for (var i = 0; i < _threads.Length; i++)
        {
            _wake[i] = new SemaphoreSlim(0);
            _threads[i] = new Thread(WorkerLoop) { IsBackground = true, Name = $"LlmEngine CPU worker {i + 1}" };
            _threads[i].Start(i);
        }
    }

    /// <summary>Threads that take part in a run, the caller included; worker indices are 0 to this minus one.</summary>
    public int ThreadCount { get; }

    /// <summary>Runs <paramref name="work"/> over items 0 to <paramref name="count"/> in chunks of at least <paramref name="minChunk"/>.</summary>
    public void Run(IParallelWork work, int count, int minChunk = 1)
    {
        if (count <= 0)
        {
            return;
        }
        var chunk = Math.Max(minChunk, (count + ThreadCount * ChunksPerThread - 1) / (ThreadCount * ChunksPerThread));
        var chunks = (count + chunk - 1) / chunk;
        var helpers = Math.Min(_threads.Length, chunks - 1);
        if (helpers <= 0)
        {
            work.Execute(0, count, 0);
            return;
        }
        _work = work;
        _count = count;
        _chunk = chunk;
        _next = 0;
        _pending = helpers;
        _done.Reset();
        for (var i = 0; i < helpers; i++)
        {
            _wake[i].Release();
        }
        try
        {
            Drain(0);
        }
        catch (Exception e)
        {
            Interlocked.CompareExchange(ref _error, e, null);
        }
        _done.Wait();
        _work = null;
        if (Interlocked.Exchange(ref _error, null) is { } error)
        {
            ExceptionDispatchInfo.Throw(error);
        }
    }

    private void Drain(int worker)
    {
        var work = _work!;
        while (true)
        {
            var start = Interlocked.Add(ref _next, _chunk) - _chunk;
            if (start >= _count)
            {
                return;
            }
            work.Execute(start, Math.Min(start + _chunk, _count), worker);
        }
    }

    private void WorkerLoop(object? state)
    {
        var index = (int)state!;
        while (true)
        {
            _wake[index].Wait();
            if (_stopping)
            {
                return;
            }
            try
            {
                Drain(index + 1);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref _error, e, null);
            }
            if (Interlocked.Decrement(ref _pending) == 0)
            {
                _done.Set();
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_stopping)
        {
            return;
        }
        _stopping = true;
        foreach (var wake in _wake)
        {
            wake.Release();
        }
        foreach (var thread in _threads)
        {
            thread.Join();
        }
        foreach (var wake in _wake)
        {
            wake.Dispose();
        }
        _done.Dispose();
    }
}
