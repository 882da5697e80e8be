using System.Globalization;
using System.Text;

namespace LlmEngine.Hosting.Metrics;

/// <summary>Writes Prometheus' text exposition format (version 0.0.4): HELP and TYPE lines, then samples.</summary>
internal sealed class PrometheusTextWriter
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly StringBuilder _text = new();

    public void Header(string name, string type, string help)
    {
        _text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
        _text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
    }

    public void Sample(string name, string labels, double value)
    {
        _text.Append(name);
        if (labels.Length > 0)
        {
            _text.Append('{').Append(labels).Append('}');
        }
        _text.Append(' ').Append(Format(value)).Append('\n');
    }

    public void Histogram(string name, string help, string labels, BucketHistogram histogram)
    {
        Header(name, "histogram", help);
        var cumulative = histogram.CumulativeCounts();
        var prefix = labels.Length > 0 ? labels + "," : "";
        for (var i = 0; i < cumulative.Length; i++)
        {
            Sample(name + "_bucket", prefix + "le=\"" + Format(histogram.UpperBounds[i]) + "\"", cumulative[i]);
        }
        var count = histogram.Count;
        Sample(name + "_bucket", prefix + "le=\"+Inf\"", count);
        Sample(name + "_count", labels, count);
        Sample(name + "_sum", labels, histogram.Sum);
    }

    /// <summary>A label pair with the value escaped as the format requires.</summary>
    public static string Label(string name, string value) =>
        name + "=\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal) + "\"";

    public override string ToString() => _text.ToString();

    private static string Format(double value) => double.IsPositiveInfinity(value) ? "+Inf"
        : double.IsNegativeInfinity(value) ? "-Inf"
        : double.IsNaN(value) ? "NaN"
        : value.ToString("R", CultureInfo.InvariantCulture);
}
