using System.Globalization;
using System.Text.Json.Nodes;

namespace LlmEngine.Cli.Benchmarking;

/// <summary>Number formatting shared by the benchmark reports (invariant culture, NaN shown as a dash).</summary>
internal static class BenchFormat
{
    /// <summary>The value with <paramref name="decimals"/> decimals, or "-" when it is not a number.</summary>
    public static string Number(double value, int decimals = 1) =>
        double.IsFinite(value) ? value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : "-";

    /// <summary>The share <paramref name="value"/> / <paramref name="limit"/> as a whole percentage.</summary>
    public static string Percent(double value, double limit) =>
        double.IsFinite(value) && limit > 0 ? (100 * value / limit).ToString("F0", CultureInfo.InvariantCulture) + "%" : "-";

    /// <summary>Milliseconds from seconds.</summary>
    public static string Milliseconds(double seconds) => Number(seconds * 1000, 1);

    /// <summary>A JSON-safe number: NaN and infinities become null.</summary>
    public static double? Json(double value) => double.IsFinite(value) ? Math.Round(value, 4) : null;

    /// <summary>Mean, p50 and p99 of <paramref name="seconds"/>, in milliseconds, as JSON.</summary>
    public static JsonObject MillisecondQuantiles(List<double> seconds) => new()
    {
        ["mean"] = Json(Percentiles.Mean(seconds) * 1000),
        ["p50"] = Json(Percentiles.Median(seconds) * 1000),
        ["p99"] = Json(Percentiles.Of(seconds, 99) * 1000),
    };
}
