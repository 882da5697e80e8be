using System.Globalization;
using System.Text;

namespace LlmEngine.Templates.Jinja;

/// <summary>
/// Unescapes a string literal's body the way Jinja does (Python's <c>unicode-escape</c>): <c>\n \t \\ \' \"</c>,
/// octal, <c>\xhh</c>, <c>\uhhhh</c>, <c>\Uhhhhhhhh</c>; an unknown escape keeps its backslash.
/// </summary>
internal static class StringLiteral
{
    /// <summary>The literal's value.</summary>
    /// <exception cref="FormatException">A truncated <c>\x</c>, <c>\u</c> or <c>\U</c> escape.</exception>
    public static string Unescape(ReadOnlySpan<char> body)
    {
        if (body.IndexOf('\\') < 0)
        {
            return body.ToString();
        }
        var sb = new StringBuilder(body.Length);
        for (var i = 0; i < body.Length; i++)
        {
            var c = body[i];
            if (c != '\\' || i + 1 >= body.Length)
            {
                sb.Append(c);
                continue;
            }
            var e = body[++i];
            switch (e)
            {
                case '\n': break;
                case '\\': sb.Append('\\'); break;
                case '\'': sb.Append('\''); break;
                case '"': sb.Append('"'); break;
                case 'a': sb.Append('\a'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'n': sb.Append('\n'); break;
                case 'r': sb.Append('\r'); break;
                case 't': sb.Append('\t'); break;
                case 'v': sb.Append('\v'); break;
                case 'x': i = AppendHex(sb, body, i, 2, "\\xXX"); break;
                case 'u': i = AppendHex(sb, body, i, 4, "\\uXXXX"); break;
                case 'U': i = AppendHex(sb, body, i, 8, "\\UXXXXXXXX"); break;
                case >= '0' and <= '7':
                    var value = 0;
                    var digits = 0;
                    while (digits < 3 && i < body.Length && body[i] is >= '0' and <= '7')
                    {
                        value = (value * 8) + (body[i] - '0');
                        i++;
                        digits++;
                    }
                    i--;
                    sb.Append((char)value);
                    break;
                default:
                    sb.Append('\\').Append(e);
                    break;
            }
        }
        return sb.ToString();
    }

    private static int AppendHex(StringBuilder sb, ReadOnlySpan<char> body, int escapeAt, int count, string form)
    {
        var digits = body.Slice(escapeAt + 1, Math.Min(count, body.Length - escapeAt - 1));
        if (digits.Length < count || !int.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value))
        {
            throw new FormatException($"truncated {form} escape");
        }
        if (value > 0x10FFFF)
        {
            throw new FormatException("illegal Unicode character");
        }
        sb.Append(char.ConvertFromUtf32(value is >= 0xD800 and <= 0xDFFF ? 0xFFFD : value));
        return escapeAt + count;
    }
}
