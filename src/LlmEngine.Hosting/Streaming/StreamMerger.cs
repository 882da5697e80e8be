using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace LlmEngine.Hosting.Streaming;

/// <summary>
/// Merges several async streams (the choices of one request) into one, in arrival order, each item tagged with its
/// source: <c>n</c> &gt; 1 and several prompts stream interleaved instead of one after another. A failing source
/// ends the merged stream with its exception; leaving the merged stream early (or cancelling) cancels every source,
/// so each disposes its enumerator and the engine aborts its request.
/// </summary>
internal static class StreamMerger
{
    public static async IAsyncEnumerable<(int Source, T Item)> MergeAsync<T>(IReadOnlyList<IAsyncEnumerable<T>> sources,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (sources.Count == 1)
        {
            await foreach (var item in sources[0].WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                yield return (0, item);
            }
            yield break;
        }
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var channel = Channel.CreateUnbounded<(int, T)>(new UnboundedChannelOptions { SingleReader = true });
        var remaining = sources.Count;
        var pumps = new Task[sources.Count];
        for (var i = 0; i < sources.Count; i++)
        {
            var source = i;
            pumps[i] = Task.Run(async () =>
            {
                try
                {
                    await foreach (var item in sources[source].WithCancellation(stop.Token).ConfigureAwait(false))
                    {
                        await channel.Writer.WriteAsync((source, item), stop.Token).ConfigureAwait(false);
                    }
                    if (Interlocked.Decrement(ref remaining) == 0)
                    {
                        channel.Writer.TryComplete();
                    }
                }
                catch (Exception error)
                {
                    channel.Writer.TryComplete(error);
                }
            }, CancellationToken.None);
        }
        try
        {
            await foreach (var tagged in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return tagged;
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(pumps).ConfigureAwait(false);
        }
    }
}
