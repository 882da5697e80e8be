using LlmEngine.Execution.Cpu;
using NUnit.Framework;

namespace LlmEngine.Tests.Execution;

public class CpuWorkerPoolTests
{
    private static readonly TimeSpan[] s_spinTimes = [TimeSpan.Zero, TimeSpan.FromMicroseconds(200)];

    [TestCaseSource(nameof(s_spinTimes))]
    public void EveryItemRunsExactlyOnce_AcrossManyOperationsOfEverySize(TimeSpan spin)
    {
        using var pool = new CpuWorkerPool(3, pinThreads: false, spin);
        var work = new CountingWork(500);
        for (var round = 0; round < 400; round++)
        {
            var count = 1 + round * 37 % 500;
            work.Reset();
            pool.Run(work, count, minChunk: 1 + round % 5);
            Assert.That(work.Counts.AsSpan(0, count).ToArray(), Is.All.EqualTo(1), $"round {round}, {count} items");
            Assert.That(work.Counts.AsSpan(count).ToArray(), Is.All.EqualTo(0), $"round {round}: items past the count ran");
        }
    }

    [Test]
    public void HelpersTakePart_WhenTheWorkIsLongEnough()
    {
        using var pool = new CpuWorkerPool(2, pinThreads: false);
        var work = new SlowWork();
        for (var round = 0; round < 50 && work.Helped == 0; round++)
        {
            pool.Run(work, 8);
        }
        Assert.That(work.Helped, Is.GreaterThan(0), "no item ran on a helper thread in 50 operations of 8 × 2 ms");
    }

    [TestCaseSource(nameof(s_spinTimes))]
    public void AnExceptionInAnyItem_ReachesTheCaller_AndThePoolKeepsWorking(TimeSpan spin)
    {
        using var pool = new CpuWorkerPool(2, pinThreads: false, spin);
        var failing = new FailingWork(failAt: 13);
        var e = Assert.Throws<InvalidOperationException>(() => pool.Run(failing, 64));
        Assert.That(e!.Message, Is.EqualTo("item 13"));

        var work = new CountingWork(64);
        pool.Run(work, 64);
        Assert.That(work.Counts, Is.All.EqualTo(1));
    }

    [Test]
    public void PinnedPool_RunsTheSameWork()
    {
        using var pool = new CpuWorkerPool(2, pinThreads: true);
        var work = new CountingWork(100);
        pool.Run(work, 100);
        Assert.That(work.Counts, Is.All.EqualTo(1));
        Assert.That(pool.NumPinned, Is.InRange(0, 1));
    }

    [Test]
    public void AllowedCpus_AreDistinctAndAscending()
    {
        var cpus = ThreadAffinity.AllowedCpus();
        if (OperatingSystem.IsLinux())
        {
            Assert.That(cpus, Is.Not.Empty);
        }
        Assert.That(cpus, Is.Ordered.Ascending);
        Assert.That(cpus, Is.Unique);
    }

    [Test]
    public void Dispose_StopsParkedAndSpinningHelpers_AndLaterRunsThrow()
    {
        var pool = new CpuWorkerPool(4, pinThreads: false, TimeSpan.FromMilliseconds(1));
        pool.Run(new CountingWork(16), 16);
        Thread.Sleep(5);
        pool.Dispose();
        pool.Dispose();
        Assert.Throws<ObjectDisposedException>(() => pool.Run(new CountingWork(16), 16));
    }

    private sealed class CountingWork(int capacity) : IParallelWork
    {
        public int[] Counts { get; } = new int[capacity];

        public void Reset() => Array.Clear(Counts);

        public void Execute(int start, int end, int worker)
        {
            for (var i = start; i < end; i++)
            {
                Interlocked.Increment(ref Counts[i]);
            }
        }
    }

    private sealed class SlowWork : IParallelWork
    {
        private int _helped;

        public int Helped => Volatile.Read(ref _helped);

        public void Execute(int start, int end, int worker)
        {
            if (worker != 0)
            {
                Interlocked.Increment(ref _helped);
            }
            Thread.Sleep(2);
        }
    }

    private sealed class FailingWork(int failAt) : IParallelWork
    {
        public void Execute(int start, int end, int worker)
        {
            if (failAt >= start && failAt < end)
            {
                throw new InvalidOperationException($"item {failAt}");
            }
        }
    }
}
