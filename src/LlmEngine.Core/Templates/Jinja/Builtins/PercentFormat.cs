using System.Globalization;
using System.Text;

namespace LlmEngine.Templates.Jinja;

/// <summary>Python's printf-style <c>"%s: %d" % args</c>, behind the <c>%</c> operator and the <c>format</c> filter.</summary>
internal static class PercentFormat
{
    /// <summary>Formats <paramref name="format"/> with a tuple, a mapping (for <c>%(name)s</c>) or a single value.</summary>
    public static string Format(string format, JinjaValue args)
    {
        var positional = args is JinjaList { IsTuple: true } tuple ? tuple.Items : [args];
        var mapping = args as JinjaDict;
        var next = 0;
        var sb = new StringBuilder(format.Length + 16);
        for (var i = 0; i < format.Length; i++)
        {
            var c = format[i];
            if (c != '%')
            {
                sb.Append(c);
                continue;
            }
            if (++i >= format.Length)
            {
                throw new TemplateError("incomplete format");
            }
            JinjaValue? value = null;
            if (format[i] == '(')
            {
                var close = format.IndexOf(')', i);
                if (close < 0 || mapping is null)
                {
                    throw new TemplateError(mapping is null ? "format requires a mapping" : "incomplete format key");
                }
                value = mapping.GetItem(JinjaString.Of(format[(i + 1)..close]));
                i = close + 1;
            }
            var spec = new FormatSpec();
            for (; i < format.Length && format[i] is '-' or '+' or ' ' or '0' or '#'; i++)
            {
                spec.ApplyFlag(format[i]);
            }
            spec.Width = ReadNumber(format, ref i, positional, ref next);
            if (i < format.Length && format[i] == '.')
            {
                i++;
                spec.Precision = ReadNumber(format, ref i, positional, ref next) ?? 0;
            }
            while (i < format.Length && format[i] is 'h' or 'l' or 'L')
            {
                i++;
            }
            if (i >= format.Length)
            {
                throw new TemplateError("incomplete format");
            }
            spec.Type = format[i];
            if (spec.Type == '%')
            {
                sb.Append('%');
                continue;
            }
            if (value is null)
            {
                if (next >= positional.Count)
                {
                    throw new TemplateError("not enough arguments for format string");
                }
                value = positional[next++];
            }
            sb.Append(spec.Apply(value, percentStyle: true));
        }
        if (mapping is null && next < positional.Count)
        {
            throw new TemplateError("not all arguments converted during string formatting");
        }
        return sb.ToString();
    }

    private static int? ReadNumber(string format, ref int i, List<JinjaValue> positional, ref int next)
    {
        if (i < format.Length && format[i] == '*')
        {
            i++;
            if (next >= positional.Count)
            {
                throw new TemplateError("not enough arguments for format string");
            }
            return (int)Operators.ToLong(positional[next++]);
        }
        var start = i;
        while (i < format.Length && char.IsAsciiDigit(format[i]))
        {
            i++;
        }
        return i > start ? int.Parse(format.AsSpan(start, i - start), CultureInfo.InvariantCulture) : null;
    }
}
