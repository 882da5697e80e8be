using System.Text;

namespace LlmEngine.Templates.Jinja;

/// <summary>Python's str algorithms that differ from .NET's: code-point indexing, whitespace, strip, split, title.</summary>
internal static class PythonStrings
{
    /// <summary>Python's <c>len(str)</c>: code points, not UTF-16 units.</summary>
    public static int CodePointCount(string value)
    {
        var count = value.Length;
        for (var i = 0; i < value.Length - 1; i++)
        {
            if (char.IsHighSurrogate(value[i]) && char.IsLowSurrogate(value[i + 1]))
            {
                count--;
                i++;
            }
        }
        return count;
    }

    /// <summary>The code points of <paramref name="value"/> as one-character strings.</summary>
    public static List<JinjaValue> CodePoints(string value)
    {
        var points = new List<JinjaValue>(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            var length = char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]) ? 2 : 1;
            points.Add(new JinjaString(value.Substring(i, length)));
            i += length - 1;
        }
        return points;
    }

    /// <summary>Python's <c>str.isspace</c> for one character.</summary>
    public static bool IsWhiteSpace(char c) => char.IsWhiteSpace(c) || c is >= '\x1c' and <= '\x1f';

    /// <summary>Python's <c>strip</c>, <c>lstrip</c>, <c>rstrip</c>: whitespace, or any of <paramref name="chars"/>.</summary>
    public static string Strip(string value, string? chars, bool left, bool right)
    {
        var start = 0;
        var end = value.Length;
        if (left)
        {
            while (start < end && IsStripped(value[start], chars))
            {
                start++;
            }
        }
        if (right)
        {
            while (end > start && IsStripped(value[end - 1], chars))
            {
                end--;
            }
        }
        return value.Substring(start, end - start);
    }

    /// <summary>Python's <c>split</c> (left to right) and <c>rsplit</c> (right to left) with Python's whitespace rules.</summary>
    public static List<JinjaValue> Split(string value, string? separator, long maxSplit, bool fromRight)
    {
        var parts = new List<string>();
        if (separator is null)
        {
            SplitWhitespace(value, maxSplit, fromRight, parts);
        }
        else
        {
            if (separator.Length == 0)
            {
                throw new TemplateError("empty separator");
            }
            if (!fromRight)
            {
                var start = 0;
                while (maxSplit != 0)
                {
                    var at = value.IndexOf(separator, start, StringComparison.Ordinal);
                    if (at < 0)
                    {
                        break;
                    }
                    parts.Add(value[start..at]);
                    start = at + separator.Length;
                    maxSplit--;
                }
                parts.Add(value[start..]);
            }
            else
            {
                var end = value.Length;
                while (maxSplit != 0 && end > 0)
                {
                    var at = value.LastIndexOf(separator, end - 1, end, StringComparison.Ordinal);
                    if (at < 0)
                    {
                        break;
                    }
                    parts.Add(value[(at + separator.Length)..end]);
                    end = at;
                    maxSplit--;
                }
                parts.Add(value[..end]);
                parts.Reverse();
            }
        }
        var result = new List<JinjaValue>(parts.Count);
        foreach (var part in parts)
        {
            result.Add(JinjaString.Of(part));
        }
        return result;
    }

    /// <summary>Python's <c>str.title</c>: a letter after a non-letter is upper-cased, every other letter lower-cased.</summary>
    public static string Title(string value)
    {
        var sb = new StringBuilder(value.Length);
        var previousCased = false;
        foreach (var c in value)
        {
            if (char.IsLetter(c))
            {
                sb.Append(previousCased ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c));
                previousCased = true;
            }
            else
            {
                sb.Append(c);
                previousCased = false;
            }
        }
        return sb.ToString();
    }

    /// <summary>Python's <c>str.capitalize</c>: first character upper-cased, the rest lower-cased.</summary>
    public static string Capitalize(string value) => value.Length == 0
        ? value
        : char.ToUpperInvariant(value[0]) + value[1..].ToLowerInvariant();

    /// <summary>Python's <c>str.splitlines</c>.</summary>
    public static List<JinjaValue> SplitLines(string value, bool keepEnds)
    {
        var lines = new List<JinjaValue>();
        var start = 0;
        var i = 0;
        while (i < value.Length)
        {
            var c = value[i];
            var breakLength = c switch
            {
                '\r' when i + 1 < value.Length && value[i + 1] == '\n' => 2,
                '\n' or '\r' or '\v' or '\f' or '\x1c' or '\x1d' or '\x1e' or '\x85' or '\u2028' or '\u2029' => 1,
                _ => 0,
            };
            if (breakLength == 0)
            {
                i++;
                continue;
            }
            lines.Add(JinjaString.Of(value[start..(keepEnds ? i + breakLength : i)]));
            i += breakLength;
            start = i;
        }
        if (start < value.Length)
        {
            lines.Add(JinjaString.Of(value[start..]));
        }
        return lines;
    }

    private static bool IsStripped(char c, string? chars) => chars is null ? IsWhiteSpace(c) : chars.Contains(c);

    private static void SplitWhitespace(string value, long maxSplit, bool fromRight, List<string> parts)
    {
        if (!fromRight)
        {
            var i = 0;
            while (true)
            {
                while (i < value.Length && IsWhiteSpace(value[i]))
                {
                    i++;
                }
                if (i >= value.Length)
                {
                    return;
                }
                if (maxSplit == 0)
                {
                    parts.Add(value[i..]);
                    return;
                }
                var start = i;
                while (i < value.Length && !IsWhiteSpace(value[i]))
                {
                    i++;
                }
                parts.Add(value[start..i]);
                maxSplit--;
            }
        }
        var end = value.Length;
        while (true)
        {
            while (end > 0 && IsWhiteSpace(value[end - 1]))
            {
                end--;
            }
            if (end == 0)
            {
                break;
            }
            if (maxSplit == 0)
            {
                parts.Add(value[..end]);
                break;
            }
            var stop = end;
            while (end > 0 && !IsWhiteSpace(value[end - 1]))
            {
                end--;
            }
            parts.Add(value[end..stop]);
            maxSplit--;
        }
        parts.Reverse();
    }
}
