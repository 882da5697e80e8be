using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;

namespace LlmEngine.Execution.Cpu;

/// <summary>
/// Long-lived threads for the forward pass (OpenMP's model, as llama.cpp uses it). <see cref="Run"/> publishes an
/// operation with one atomic ticket, hands out chunks of its items through one atomic counter (so uneven rows
/// balance), runs chunks on the calling thread too (worker 0), and returns when all are done. Between operations a
/// helper spins on the ticket for <see cref="SpinTime"/> and only then parks on its own semaphore, so the operations of
/// one step (a few hundred, microseconds apart) hand off without a system call; the caller waits for the helpers the
/// same way. Helpers are pinned to CPUs when asked and the OS allows it. Nothing is allocated per run.
/// </summary>
internal sealed class CpuWorkerPool : IDisposable
{
    private const int ChunksPerThread = 4;
    private const int Running = 0;
    private const int Parked = 1;
    private const int SpinIterations = 8;

    /// <summary>How long a waiting thread spins before it parks, unless the constructor is told otherwise.</summary>
    public static readonly TimeSpan DefaultSpinTime = TimeSpan.FromMicroseconds(200);

    private readonly Thread[] _threads;
    private readonly SemaphoreSlim[] _wake;
    private readonly PaddedInt[] _state;
    private readonly SemaphoreSlim _done = new(0);
    private readonly long _spinTicks;
    private Shared _shared;
    private IParallelWork? _work;
    private int _count;
    private int _chunk;
    private Exception? _error;
    private volatile bool _stopping;

    /// <summary>
    /// Starts <paramref name="threadCount"/> - 1 helper threads; the caller of <see cref="Run"/> is worker 0. With
    /// <paramref name="pinThreads"/> helper <c>i</c> is pinned to the <c>i</c>-th CPU the creating thread may use
    /// (the caller is left where it is: it is not the pool's thread).
    /// </summary>
    public CpuWorkerPool(int threadCount, bool pinThreads = false, TimeSpan? spinTime = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threadCount, 1);
        ThreadCount = threadCount;
        SpinTime = spinTime ?? DefaultSpinTime;
        _spinTicks = (long)(SpinTime.TotalSeconds * Stopwatch.Frequency);
        _threads = new Thread[threadCount - 1];
        _wake = new SemaphoreSlim[threadCount - 1];
        _state = new PaddedInt[threadCount - 1];
        var cpus = pinThreads ? ThreadAffinity.AllowedCpus() : [];
        for (var i = 0; i < _threads.Length; i++)
        {
            _wake[i] = new SemaphoreSlim(0);
            var cpu = cpus.Length > 1 ? cpus[(i + 1) % cpus.Length] : -1;
            _threads[i] = new Thread(WorkerLoop) { IsBackground = true, Name = $"LlmEngine CPU worker {i + 1}" };
            _threads[i].Start((i, cpu));
        }
    }

    /// <summary>Threads that take part in a run, the caller included; worker indices are 0 to this minus one.</summary>
    public int ThreadCount { get; }

    /// <summary>How long an idle thread spins before it parks.</summary>
    public TimeSpan SpinTime { get; }

    /// <summary>Helpers pinned to a CPU (0 when pinning was not asked for or the OS refused).</summary>
    public int NumPinned => Volatile.Read(ref _shared.Pinned);

    /// <summary>Runs <paramref name="work"/> over items 0 to <paramref name="count"/> in chunks of at least <paramref name="minChunk"/>.</summary>
    public void Run(IParallelWork work, int count, int minChunk = 1)
    {
        ObjectDisposedException.ThrowIf(_stopping, this);
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
        _shared.Remaining = chunks;
        var generation = (Volatile.Read(ref _shared.Ticket) >> 16) + 1;
        Volatile.Write(ref _shared.Claim, (generation << 32) | (uint)chunks);
        Publish(generation, helpers);
        Drain(generation, 0);
        WaitForHelpers();
        _work = null;
        if (Interlocked.Exchange(ref _error, null) is { } error)
        {
            ExceptionDispatchInfo.Throw(error);
        }
    }

    // The ticket carries the generation and its number of helpers in one word, so a helper never pairs one
    // operation's generation with another's helper count.
    private void Publish(long generation, int helpers)
    {
        // Interlocked: a full fence, so the fields above are visible before the ticket, and the ticket before the state reads below.
        Interlocked.Exchange(ref _shared.Ticket, (generation << 16) | (long)helpers);
        for (var i = 0; i < helpers; i++)
        {
            if (Volatile.Read(ref _state[i].Value) == Parked && Interlocked.CompareExchange(ref _state[i].Value, Running, Parked) == Parked)
            {
                _wake[i].Release();
            }
        }
    }

    // The caller waits only for chunks other threads have claimed: a helper that has not woken yet claims nothing,
    // so a descheduled helper never holds up an operation it did not start.
    private void WaitForHelpers()
    {
        var start = Stopwatch.GetTimestamp();
        for (var spins = 1; Volatile.Read(ref _shared.Remaining) != 0; spins++)
        {
            Thread.SpinWait(SpinIterations);
            if ((spins & 31) == 0 && Stopwatch.GetTimestamp() - start > _spinTicks)
            {
                Park();
                return;
            }
        }

        void Park()
        {
            // Dekker with the thread that completes the last chunk: each side writes its flag, then reads the other's.
            Interlocked.Exchange(ref _shared.CallerParked, Parked);
            if (Volatile.Read(ref _shared.Remaining) == 0 && Interlocked.CompareExchange(ref _shared.CallerParked, Running, Parked) == Parked)
            {
                return;
            }
            _done.Wait();
        }
    }

    // A chunk is claimed by one compare-and-swap on (generation, chunks left), so a late helper still holding an old
    // generation can never take a chunk of the next operation. The operation's fields are read only after a claim
    // succeeds: the operation cannot end, and the next one cannot overwrite them, while one of its chunks is claimed
    // and not done.
    private void Drain(long generation, int worker)
    {
        var tag = generation << 32;
        while (true)
        {
            var claim = Volatile.Read(ref _shared.Claim);
            if ((claim & ~0xFFFFFFFFL) != tag || (int)claim == 0)
            {
                return;
            }
            if (Interlocked.CompareExchange(ref _shared.Claim, claim - 1, claim) != claim)
            {
                continue;
            }
            var start = ((int)claim - 1) * _chunk;
            try
            {
                _work!.Execute(start, Math.Min(start + _chunk, _count), worker);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref _error, e, null);
            }
            if (Interlocked.Decrement(ref _shared.Remaining) == 0 && worker != 0
                && Volatile.Read(ref _shared.CallerParked) == Parked
                && Interlocked.CompareExchange(ref _shared.CallerParked, Running, Parked) == Parked)
            {
                _done.Release();
            }
        }
    }

    private void WorkerLoop(object? state)
    {
        var (index, cpu) = ((int, int))state!;
        if (cpu >= 0 && ThreadAffinity.TryPinCurrentThread(cpu))
        {
            Interlocked.Increment(ref _shared.Pinned);
        }
        var seen = 0L;
        while (true)
        {
            var ticket = WaitForTicket(index, seen);
            seen = ticket >> 16;
            if (_stopping)
            {
                return;
            }
            if (index < (int)(ticket & 0xFFFF))
            {
                Drain(seen, index + 1);
            }
        }
    }

    private long WaitForTicket(int index, long seen)
    {
        var start = Stopwatch.GetTimestamp();
        for (var spins = 1; ; spins++)
        {
            var ticket = Volatile.Read(ref _shared.Ticket);
            if (ticket >> 16 != seen)
            {
                return ticket;
            }
            Thread.SpinWait(SpinIterations);
            if ((spins & 31) == 0)
            {
                if (Stopwatch.GetTimestamp() - start > _spinTicks)
                {
                    break;
                }
                // On a machine with more runnable threads than CPUs the thread we wait for may be queued behind us.
                Thread.Yield();
            }
        }
        while (true)
        {
            // Dekker with Publish: the helper writes its state, then reads the ticket; Publish the reverse.
            Interlocked.Exchange(ref _state[index].Value, Parked);
            var ticket = Volatile.Read(ref _shared.Ticket);
            if (ticket >> 16 != seen)
            {
                if (Interlocked.CompareExchange(ref _state[index].Value, Running, Parked) != Parked)
                {
                    // Publish saw the parked state and released the semaphore: take that release.
                    _wake[index].Wait();
                }
                return ticket;
            }
            _wake[index].Wait();
            ticket = Volatile.Read(ref _shared.Ticket);
            if (ticket >> 16 != seen)
            {
                return ticket;
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
        Publish((Volatile.Read(ref _shared.Ticket) >> 16) + 1, _threads.Length);
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

    // Each counter on its own pair of cache lines: the adjacent-line prefetcher pairs lines, so 128 bytes apart.
    [StructLayout(LayoutKind.Explicit, Size = 640)]
    private struct Shared
    {
        [FieldOffset(128)]
        public long Ticket;

        [FieldOffset(256)]
        public long Claim;

        [FieldOffset(384)]
        public int Remaining;

        [FieldOffset(512)]
        public int CallerParked;

        [FieldOffset(520)]
        public int Pinned;
    }

    [StructLayout(LayoutKind.Explicit, Size = 128)]
    private struct PaddedInt
    {
        [FieldOffset(0)]
        public int Value;
    }
}
