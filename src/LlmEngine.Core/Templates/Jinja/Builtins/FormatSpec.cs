using System.Globalization;
using System.Text;

namespace LlmEngine.Templates.Jinja;

/// <summary>
/// One conversion of Python's string formatting, shared by <c>%</c>-style and <c>str.format</c>-style:
/// fill, alignment, sign, zero padding, width, thousands separator, precision and type (s r d i f e g x o c %).
/// </summary>
internal sealed class FormatSpec
{
    /// <summary>The padding character.</summary>
    public char Fill { get; set; } = ' ';

    /// <summary>'&lt;', '&gt;', '^', '=' or '\0' for the type's default.</summary>
    public char Align { get; set; }

    /// <summary>'+', '-', ' ' or '\0'.</summary>
    public char Sign { get; set; }

    /// <summary>The minimum width.</summary>
    public int? Width { get; set; }

    /// <summary>The precision.</summary>
    public int? Precision { get; set; }

    /// <summary>The conversion type, or '\0' for the value's default.</summary>
    public char Type { get; set; }

    /// <summary>Whether to group thousands with commas.</summary>
    public bool Grouping { get; set; }

    /// <summary>The alternate form flag '#'.</summary>
    public bool Alternate { get; set; }

    /// <summary>Parses a <c>str.format</c> spec such as <c>"&gt;10.2f"</c>.</summary>
    public static FormatSpec Parse(string spec)
    {
        var result = new FormatSpec();
        var i = 0;
        if (spec.Length >= 2 && spec[1] is '<' or '>' or '^' or '=')
        {
            result.Fill = spec[0];
            result.Align = spec[1];
            i = 2;
        }
        else if (spec.Length >= 1 && spec[0] is '<' or '>' or '^' or '=')
        {
            result.Align = spec[0];
            i = 1;
        }
        if (i < spec.Length && spec[i] is '+' or '-' or ' ')
        {
            result.Sign = spec[i++];
        }
        if (i < spec.Length && spec[i] == '#')
        {
            result.Alternate = true;
            i++;
        }
        if (i < spec.Length && spec[i] == '0')
        {
            result.ApplyFlag('0');
            i++;
        }
        var start = i;
        while (i < spec.Length && char.IsAsciiDigit(spec[i]))
        {
            i++;
        }
        if (i > start)
        {
            result.Width = int.Parse(spec.AsSpan(start, i - start), CultureInfo.InvariantCulture);
        }
        if (i < spec.Length && spec[i] == ',')
        {
            result.Grouping = true;
            i++;
        }
        if (i < spec.Length && spec[i] == '.')
        {
            start = ++i;
            while (i < spec.Length && char.IsAsciiDigit(spec[i]))
            {
                i++;
            }
            result.Precision = int.Parse(spec.AsSpan(start, i - start), CultureInfo.InvariantCulture);
        }
        if (i < spec.Length)
        {
            result.Type = spec[i++];
        }
        if (i != spec.Length)
        {
            throw new TemplateError($"Invalid format specifier '{spec}'");
        }
        return result;
    }

    /// <summary>Applies a printf flag character.</summary>
    public void ApplyFlag(char flag)
    {
        switch (flag)
        {
            case '-': Align = '<'; break;
            case '+': Sign = '+'; break;
            case ' ': Sign = Sign == '+' ? '+' : ' '; break;
            case '#': Alternate = true; break;
            case '0':
                if (Align != '<')
                {
                    Fill = '0';
                    Align = '=';
                }
                break;
        }
    }

    /// <summary>Formats <paramref name="value"/>.</summary>
    public string Apply(JinjaValue value, bool percentStyle)
    {
        var type = Type;
        string body;
        var numeric = false;
        var negative = false;
        switch (type)
        {
            case 'r' or 'a':
                body = value.ToRepr();
                break;
            case 's':
                body = value.ToStr();
                break;
            case '\0' when value is JinjaString or not (JinjaInt or JinjaFloat or JinjaBool):
                body = value.ToStr();
                break;
            case 'c':
                body = value is JinjaString cs ? cs.Value : char.ConvertFromUtf32((int)Operators.ToLong(value));
                break;
            default:
                numeric = true;
                (body, negative) = FormatNumber(value, type, percentStyle);
                break;
        }
        if (!numeric && Precision is { } max && body.Length > max && type is 's' or 'r' or 'a' or '\0')
        {
            body = body[..max];
        }
        var sign = numeric ? (negative ? "-" : Sign is '+' or ' ' ? Sign.ToString() : string.Empty) : string.Empty;
        var width = Width ?? 0;
        var length = sign.Length + body.Length;
        if (length >= width)
        {
            return sign + body;
        }
        var pad = width - length;
        var align = Align != '\0' ? Align : numeric ? '>' : '<';
        return align switch
        {
            '<' => sign + body + new string(Fill, pad),
            '^' => new string(Fill, pad / 2) + sign + body + new string(Fill, pad - (pad / 2)),
            '=' => sign + new string(Fill, pad) + body,
            _ => new string(Fill, pad) + sign + body,
        };
    }

    private (string Body, bool Negative) FormatNumber(JinjaValue value, char type, bool percentStyle)
    {
        var c = CultureInfo.InvariantCulture;
        if (value is JinjaString)
        {
            throw new TemplateError(percentStyle
                ? $"%{type} format: a real number is required, not str"
                : $"Unknown format code '{type}' for object of type 'str'");
        }
        if (type is 'd' or 'i' or 'u' or 'x' or 'X' or 'o' or 'b' or 'n' || (type == '\0' && value is not JinjaFloat))
        {
            var n = value is JinjaFloat f ? (long)Math.Truncate(f.Value) : Operators.ToLong(value);
            var magnitude = n == long.MinValue ? "9223372036854775808" : Math.Abs(n).ToString(c);
            var text = type switch
            {
                'x' => Convert.ToString(Math.Abs(n), 16),
                'X' => Convert.ToString(Math.Abs(n), 16).ToUpperInvariant(),
                'o' => Convert.ToString(Math.Abs(n), 8),
                'b' => Convert.ToString(Math.Abs(n), 2),
                _ => Grouping ? Math.Abs(n).ToString("#,0", c) : magnitude,
            };
            return (text, n < 0);
        }
        var d = Operators.ToDouble(value);
        var negative = d < 0 || (d == 0 && double.IsNegative(d));
        d = Math.Abs(d);
        var precision = Precision ?? 6;
        var body = type switch
        {
            'f' or 'F' => d.ToString((Grouping ? "#,0." : "0.") + new string('0', precision), c).TrimEnd('.'),
            'e' or 'E' => FormatExponent(d, precision, type),
            '%' => (d * 100).ToString("0." + new string('0', precision), c).TrimEnd('.') + "%",
            'g' or 'G' => FormatGeneral(d, Precision ?? 6, type),
            '\0' => Precision is null ? PythonFormatting.FloatRepr(d) : FormatGeneral(d, precision, 'g'),
            _ => throw new TemplateError($"Unknown format code '{type}' for object of type '{value.TypeName}'"),
        };
        return (body, negative);
    }

    private static string FormatExponent(double d, int precision, char type)
    {
        var text = d.ToString((precision > 0 ? "0." + new string('0', precision) : "0") + "e+00", CultureInfo.InvariantCulture);
        return type == 'E' ? text.ToUpperInvariant() : text;
    }

    private static string FormatGeneral(double d, int precision, char type)
    {
        precision = Math.Max(precision, 1);
        if (d == 0)
        {
            return "0";
        }
        var exponent = (int)Math.Floor(Math.Log10(d));
        var rounded = double.Parse(d.ToString("E" + (precision - 1), CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        exponent = rounded == 0 ? 0 : (int)Math.Floor(Math.Log10(rounded));
        string text;
        if (exponent < -4 || exponent >= precision)
        {
            text = FormatExponent(rounded, precision - 1, 'e');
            var e = text.IndexOf('e');
            var mantissa = text[..e];
            if (mantissa.Contains('.'))
            {
                mantissa = mantissa.TrimEnd('0').TrimEnd('.');
            }
            text = mantissa + text[e..];
        }
        else
        {
            text = rounded.ToString("0." + new string('0', Math.Max(0, precision - 1 - exponent)), CultureInfo.InvariantCulture);
            if (text.Contains('.'))
            {
                text = text.TrimEnd('0').TrimEnd('.');
            }
        }
        return type == 'G' ? text.ToUpperInvariant() : text;
    }
}
