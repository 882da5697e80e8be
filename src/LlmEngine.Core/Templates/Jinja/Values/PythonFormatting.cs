using System.Globalization;
using System.Text;

namespace LlmEngine.Templates.Jinja;

/// <summary>Python's <c>repr</c> of floats and strings, which templates print through <c>{{ }}</c> and <c>string</c>.</summary>
internal static class PythonFormatting
{
    /// <summary>
    /// Python's <c>repr(float)</c>: the shortest digits that round-trip, positional notation when the decimal exponent
    /// is in [-4, 16), otherwise scientific with a signed two-digit exponent ("1e-05", "1e+16").
    /// </summary>
    public static string FloatRepr(double value)
    {
        if (double.IsNaN(value))
        {
            return "nan";
        }
        if (double.IsInfinity(value))
        {
            return value > 0 ? "inf" : "-inf";
        }
        if (value == 0)
        {
            return double.IsNegative(value) ? "-0.0" : "0.0";
        }
        // .NET's "E16" is not shortest; "R" is, in either notation, so normalise it to digits and an exponent.
        var r = Math.Abs(value).ToString("R", CultureInfo.InvariantCulture);
        var ePos = r.IndexOf('E');
        var mantissa = ePos >= 0 ? r[..ePos] : r;
        var exponent = ePos >= 0 ? int.Parse(r.AsSpan(ePos + 1), CultureInfo.InvariantCulture) : 0;
        var dot = mantissa.IndexOf('.');
        var intPart = dot >= 0 ? mantissa[..dot] : mantissa;
        var digits = (intPart + (dot >= 0 ? mantissa[(dot + 1)..] : string.Empty)).TrimStart('0');
        var leadingZeros = (intPart + (dot >= 0 ? mantissa[(dot + 1)..] : string.Empty)).Length - digits.Length;
        digits = digits.TrimEnd('0');
        // decimalPoint: where the point sits relative to the first significant digit (Python's decpt).
        var decimalPoint = intPart.Length - leadingZeros + exponent;
        var sb = new StringBuilder(24);
        if (value < 0)
        {
            sb.Append('-');
        }
        if (decimalPoint > -4 && decimalPoint <= 16)
        {
            if (decimalPoint <= 0)
            {
                sb.Append("0.").Append('0', -decimalPoint).Append(digits);
            }
            else if (decimalPoint >= digits.Length)
            {
                sb.Append(digits).Append('0', decimalPoint - digits.Length).Append(".0");
            }
            else
            {
                sb.Append(digits, 0, decimalPoint).Append('.').Append(digits, decimalPoint, digits.Length - decimalPoint);
            }
        }
        else
        {
            sb.Append(digits[0]);
            if (digits.Length > 1)
            {
                sb.Append('.').Append(digits, 1, digits.Length - 1);
            }
            var e = decimalPoint - 1;
            sb.Append('e').Append(e < 0 ? '-' : '+').Append(Math.Abs(e).ToString("00", CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    /// <summary>Python's <c>repr(str)</c>: single quotes unless the text has a single quote and no double quote.</summary>
    public static void WriteStringRepr(StringBuilder sb, string value)
    {
        var quote = value.Contains('\'') && !value.Contains('"') ? '"' : '\'';
        sb.Append(quote);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            switch (c)
            {
                case '\\': sb.Append("\\\\"); continue;
                case '\n': sb.Append("\\n"); continue;
                case '\r': sb.Append("\\r"); continue;
                case '\t': sb.Append("\\t"); continue;
            }
            if (c == quote)
            {
                sb.Append('\\').Append(c);
                continue;
            }
            if (Rune.TryGetRuneAt(value, i, out var rune))
            {
                if (IsPrintable(rune))
                {
                    sb.Append(value, i, rune.Utf16SequenceLength);
                }
                else if (rune.Value < 0x100)
                {
                    sb.Append("\\x").Append(rune.Value.ToString("x2", CultureInfo.InvariantCulture));
                }
                else if (rune.Value < 0x10000)
                {
                    sb.Append("\\u").Append(rune.Value.ToString("x4", CultureInfo.InvariantCulture));
                }
                else
                {
                    sb.Append("\\U").Append(rune.Value.ToString("x8", CultureInfo.InvariantCulture));
                }
                i += rune.Utf16SequenceLength - 1;
            }
            else
            {
                sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
        }
        sb.Append(quote);
    }

    // Python's str.isprintable: not "Other" (Cc, Cf, Cs, Co, Cn) and not a separator other than the ASCII space.
    private static bool IsPrintable(Rune rune)
    {
        if (rune.Value == ' ')
        {
            return true;
        }
        return Rune.GetUnicodeCategory(rune) switch
        {
            UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate
                or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned
                or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
                or UnicodeCategory.SpaceSeparator => false,
            _ => true,
        };
    }
}
