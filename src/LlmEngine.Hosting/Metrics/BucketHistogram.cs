namespace LlmEngine.Hosting.Metrics;

/// <summary>
/// A cumulative Prometheus histogram with fixed upper bounds: lock-free recording from any thread, read as a
/// snapshot (counts per bucket, count, sum) for the text exposition.
/// </summary>
internal sealed class BucketHistogram
{
    private readonly long[] _counts;
    private long _count;
    private long _sumBits;

    public BucketHistogram(double[] upperBounds)
    {
        UpperBounds = upperBounds;
        _counts = new long[upperBounds.Length];
    }

    /// <summary>The buckets' inclusive upper bounds, ascending (the +Inf bucket is implicit).</summary>
    public double[] UpperBounds { get; }

    public long Count => Interlocked.Read(ref _count);

    public double Sum => BitConverter.Int64BitsToDouble(Interlocked.Read(ref _sumBits));

    public void Record(double value)
    {
        var i = Array.BinarySearch(UpperBounds, value);
        if (i < 0)
        {
            i = ~i;
        }
        if (i < _counts.Length)
        {
            Interlocked.Increment(ref _counts[i]);
        }
        Interlocked.Increment(ref _count);
        long seen, updated;
        do
        {
            seen = Interlocked.Read(ref _sumBits);
            updated = BitConverter.DoubleToInt64Bits(BitConverter.Int64BitsToDouble(seen) + value);
        }
        while (Interlocked.CompareExchange(ref _sumBits, updated, seen) != seen);
    }

    /// <summary>Cumulative counts: how many values were at most each upper bound.</summary>
    public long[] CumulativeCounts()
    {
        var result = new long[_counts.Length];
        long running = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            running += Interlocked.Read(ref _counts[i]);
            result[i] = running;
        }
        return result;
    }
}
