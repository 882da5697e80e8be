namespace LlmEngine.Cli.Benchmarking;

/// <summary>Order statistics of measured samples (numpy's default linear interpolation, as vLLM's scripts report them).</summary>
internal static class Percentiles
{
    /// <summary>The <paramref name="percent"/>-th percentile (0 to 100) of <paramref name="values"/>; NaN when there are none.</summary>
    public static double Of(IReadOnlyCollection<double> values, double percent)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfLessThan(percent, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percent, 100);
        if (values.Count == 0)
        {
            return double.NaN;
        }
        var sorted = new double[values.Count];
        var n = 0;
        foreach (var v in values)
        {
            sorted[n++] = v;
        }
        Array.Sort(sorted);
        var rank = percent / 100 * (sorted.Length - 1);
        var below = (int)Math.Floor(rank);
        var above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + (sorted[above] - sorted[below]) * (rank - below);
    }

    /// <summary>The median of <paramref name="values"/>; NaN when there are none.</summary>
    public static double Median(IReadOnlyCollection<double> values) => Of(values, 50);

    /// <summary>The mean of <paramref name="values"/>; NaN when there are none.</summary>
    public static double Mean(IReadOnlyCollection<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            return double.NaN;
        }
        var sum = 0.0;
        foreach (var v in values)
        {
            sum += v;
        }
        return sum / values.Count;
    }

    /// <summary>The largest of <paramref name="values"/>; NaN when there are none.</summary>
    public static double Max(IReadOnlyCollection<double> values) => Of(values, 100);

    /// <summary>The smallest of <paramref name="values"/>; NaN when there are none.</summary>
    public static double Min(IReadOnlyCollection<double> values) => Of(values, 0);
}
