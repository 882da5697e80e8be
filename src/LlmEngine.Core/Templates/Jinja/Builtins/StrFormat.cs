using System.Text;

namespace LlmEngine.Templates.Jinja;

/// <summary>Python's <c>str.format</c>: <c>{}</c>, <c>{0}</c>, <c>{name}</c>, <c>{0.attr}</c>, <c>{0[key]}</c>, <c>!r</c>, <c>:spec</c>.</summary>
internal static class StrFormat
{
    /// <summary>Formats <paramref name="format"/> with <paramref name="args"/>.</summary>
    public static string Format(string format, Arguments args)
    {
        var sb = new StringBuilder(format.Length + 16);
        var auto = 0;
        for (var i = 0; i < format.Length; i++)
        {
            var c = format[i];
            if (c == '}')
            {
                if (i + 1 < format.Length && format[i + 1] == '}')
                {
                    sb.Append('}');
                    i++;
                    continue;
                }
                throw new TemplateError("Single '}' encountered in format string");
            }
            if (c != '{')
            {
                sb.Append(c);
                continue;
            }
            if (i + 1 < format.Length && format[i + 1] == '{')
            {
                sb.Append('{');
                i++;
                continue;
            }
            var close = format.IndexOf('}', i);
            if (close < 0)
            {
                throw new TemplateError("Single '{' encountered in format string");
            }
            var field = format[(i + 1)..close];
            i = close;
            string? spec = null;
            var conversion = '\0';
            var colon = field.IndexOf(':');
            if (colon >= 0)
            {
                spec = field[(colon + 1)..];
                field = field[..colon];
            }
            var bang = field.IndexOf('!');
            if (bang >= 0)
            {
                conversion = bang + 1 < field.Length ? field[bang + 1] : '\0';
                field = field[..bang];
            }
            var value = Resolve(field, args, ref auto);
            if (conversion is 'r' or 'a')
            {
                value = JinjaString.Of(value.ToRepr());
            }
            else if (conversion == 's')
            {
                value = JinjaString.Of(value.ToStr());
            }
            sb.Append(string.IsNullOrEmpty(spec) ? value.ToStr() : FormatSpec.Parse(spec).Apply(value, percentStyle: false));
        }
        return sb.ToString();
    }

    private static JinjaValue Resolve(string field, Arguments args, ref int auto)
    {
        var end = 0;
        while (end < field.Length && field[end] is not ('.' or '['))
        {
            end++;
        }
        var head = field[..end];
        JinjaValue value;
        if (head.Length == 0)
        {
            value = Positional(args, auto++);
        }
        else if (int.TryParse(head, out var index))
        {
            value = Positional(args, index);
        }
        else
        {
            value = args.Get(-1, head) ?? throw new TemplateError($"KeyError: '{head}'");
        }
        while (end < field.Length)
        {
            if (field[end] == '.')
            {
                var start = ++end;
                while (end < field.Length && field[end] is not ('.' or '['))
                {
                    end++;
                }
                value = value.GetAttribute(field[start..end]);
            }
            else
            {
                var close = field.IndexOf(']', end);
                var key = field[(end + 1)..close];
                value = value.GetItem(int.TryParse(key, out var k) ? JinjaInt.Of(k) : JinjaString.Of(key));
                end = close + 1;
            }
        }
        return value;
    }

    private static JinjaValue Positional(Arguments args, int index) =>
        index < args.Count ? args.Positional[index] : throw new TemplateError($"Replacement index {index} out of range for positional args tuple");
}
