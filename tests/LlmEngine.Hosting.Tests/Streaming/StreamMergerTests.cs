using System.Runtime.CompilerServices;
using LlmEngine.Hosting.Streaming;
using NUnit.Framework;

namespace LlmEngine.Hosting.Tests.Streaming;

/// <summary>The merge behind n &gt; 1 and several prompts: arrival order, errors, and cancelling every source.</summary>
[TestFixture]
public sealed class StreamMergerTests
{
    [Test]
    public async Task ItemsComeInArrivalOrderNotSourceBySource()
    {
        var gates = new[] { new SemaphoreSlim(0), new SemaphoreSlim(0) };
        var merged = StreamMerger.MergeAsync([Gated(0, gates[0]), Gated(1, gates[1])], CancellationToken.None).GetAsyncEnumerator();
        var order = new List<(int, string)>();

        // Let each source produce one item at a time, alternating, and read it before releasing the next.
        foreach (var source in new[] { 1, 0, 1, 0 })
        {
            gates[source].Release();
            Assert.That(await merged.MoveNextAsync(), Is.True);
            order.Add(merged.Current);
        }
        gates[0].Release();
        gates[1].Release();
        Assert.That(await merged.MoveNextAsync(), Is.False);
        await merged.DisposeAsync();

        Assert.That(order, Is.EqualTo(new[] { (1, "1a"), (0, "0a"), (1, "1b"), (0, "0b") }));
    }

    [Test]
    public async Task AFailingSourceEndsTheMergeWithItsError()
    {
        var merged = StreamMerger.MergeAsync([Forever(), Failing()], CancellationToken.None);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await foreach (var _ in merged)
            {
            }
        });
        Assert.That(error!.Message, Is.EqualTo("boom"));
    }

    [Test]
    public async Task LeavingEarlyCancelsEverySource()
    {
        var cancelled = new[] { new TaskCompletionSource(), new TaskCompletionSource() };
        await foreach (var _ in StreamMerger.MergeAsync([Watched(cancelled[0]), Watched(cancelled[1])], CancellationToken.None))
        {
            break;
        }

        await Task.WhenAll(cancelled.Select(c => c.Task)).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.That(cancelled.All(c => c.Task.IsCompletedSuccessfully), Is.True);
    }

    private static async IAsyncEnumerable<string> Gated(int source, SemaphoreSlim gate, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var suffix in new[] { "a", "b" })
        {
            await gate.WaitAsync(cancellationToken);
            yield return source + suffix;
        }
        await gate.WaitAsync(cancellationToken);
    }

    private static async IAsyncEnumerable<string> Forever([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (true)
        {
            await Task.Delay(10, cancellationToken);
            yield return "tick";
        }
    }

    private static async IAsyncEnumerable<string> Failing()
    {
        await Task.Yield();
        yield return "first";
        throw new InvalidOperationException("boom");
    }

    /// <summary>Yields forever; records when its enumerator is disposed after cancellation.</summary>
    private static async IAsyncEnumerable<string> Watched(TaskCompletionSource disposed, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        try
        {
            while (true)
            {
                yield return "x";
                await Task.Delay(5, cancellationToken);
            }
        }
        finally
        {
            disposed.TrySetResult();
        }
    }
}
