using System.Globalization;
using System.Text;

namespace LlmEngine.Templates.Jinja;

/// <summary>
/// Python's <c>json.dumps</c>, which Hugging Face's <c>tojson</c> filter calls (with <c>ensure_ascii=False</c> by
/// default): separators <c>", "</c> and <c>": "</c> (<c>","</c> with an indent), keys in insertion order, floats as
/// Python's repr, NaN and Infinity as Python writes them.
/// </summary>
internal static class JsonDumps
{
    /// <summary>Serializes <paramref name="value"/>.</summary>
    /// <param name="value">The value.</param>
    /// <param name="indent">Null for one line, else the indent string per level.</param>
    /// <param name="itemSeparator">Between items; null for Python's default.</param>
    /// <param name="keySeparator">Between a key and its value; null for Python's default.</param>
    /// <param name="ensureAscii">Escape every non-ASCII character as <c>\uXXXX</c>.</param>
    /// <param name="sortKeys">Sort object keys.</param>
    public static string Dumps(JinjaValue value, string? indent, string? itemSeparator, string? keySeparator, bool ensureAscii, bool sortKeys)
    {
        var writer = new Writer(indent, itemSeparator ?? (indent is null ? ", " : ","), keySeparator ?? ": ", ensureAscii, sortKeys);
        writer.Write(value, 0);
        return writer.ToString();
    }

    private sealed class Writer(string? indent, string itemSeparator, string keySeparator, bool ensureAscii, bool sortKeys)
    {
        private readonly StringBuilder _sb = new();

        public override string ToString() => _sb.ToString();

        public void Write(JinjaValue value, int level)
        {
            switch (value)
            {
                case JinjaNone:
                    _sb.Append("null");
                    break;
                case JinjaBool b:
                    _sb.Append(b.Value ? "true" : "false");
                    break;
                case JinjaInt i:
                    _sb.Append(i.Value.ToString(CultureInfo.InvariantCulture));
                    break;
                case JinjaFloat f:
                    _sb.Append(FloatToJson(f.Value));
                    break;
                case JinjaString s:
                    WriteString(s.Value);
                    break;
                case JinjaList list:
                    WriteList(list.Items, level);
                    break;
                case JinjaDict dict:
                    WriteDict(dict, level);
                    break;
                default:
                    throw new TemplateError($"Object of type {value.TypeName} is not JSON serializable");
            }
        }

        private static string FloatToJson(double value) => value switch
        {
            double.PositiveInfinity => "Infinity",
            double.NegativeInfinity => "-Infinity",
            double.NaN => "NaN",
            _ => PythonFormatting.FloatRepr(value),
        };

        private void WriteList(List<JinjaValue> items, int level)
        {
            if (items.Count == 0)
            {
                _sb.Append("[]");
                return;
            }
            _sb.Append('[');
            for (var i = 0; i < items.Count; i++)
            {
                if (i > 0)
                {
                    _sb.Append(itemSeparator);
                }
                NewLine(level + 1);
                Write(items[i], level + 1);
            }
            NewLine(level);
            _sb.Append(']');
        }

        private void WriteDict(JinjaDict dict, int level)
        {
            if (dict.Items.Count == 0)
            {
                _sb.Append("{}");
                return;
            }
            var pairs = new List<KeyValuePair<JinjaValue, JinjaValue>>(dict.Items);
            if (sortKeys)
            {
                pairs.Sort((a, b) => Operators.Compare(a.Key, b.Key));
            }
            _sb.Append('{');
            for (var i = 0; i < pairs.Count; i++)
            {
                if (i > 0)
                {
                    _sb.Append(itemSeparator);
                }
                NewLine(level + 1);
                WriteString(KeyToString(pairs[i].Key));
                _sb.Append(keySeparator);
                Write(pairs[i].Value, level + 1);
            }
            NewLine(level);
            _sb.Append('}');
        }

        // Python converts non-string keys: True -> "true", None -> "null", numbers -> their repr.
        private static string KeyToString(JinjaValue key) => key switch
        {
            JinjaString s => s.Value,
            JinjaBool b => b.Value ? "true" : "false",
            JinjaNone => "null",
            JinjaInt i => i.Value.ToString(CultureInfo.InvariantCulture),
            JinjaFloat f => FloatToJson(f.Value),
            _ => throw new TemplateError($"keys must be str, int, float, bool or None, not {key.TypeName}"),
        };

        private void NewLine(int level)
        {
            if (indent is null)
            {
                return;
            }
            _sb.Append('\n');
            for (var i = 0; i < level; i++)
            {
                _sb.Append(indent);
            }
        }

        private void WriteString(string value)
        {
            _sb.Append('"');
            foreach (var c in value)
            {
                switch (c)
                {
                    case '"': _sb.Append("\\\""); break;
                    case '\\': _sb.Append("\\\\"); break;
                    case '\n': _sb.Append("\\n"); break;
                    case '\r': _sb.Append("\\r"); break;
                    case '\t': _sb.Append("\\t"); break;
                    case '\b': _sb.Append("\\b"); break;
                    case '\f': _sb.Append("\\f"); break;
                    default:
                        if (c < 0x20 || (ensureAscii && c > 0x7e))
                        {
                            _sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                        }
                        else
                        {
                            _sb.Append(c);
                        }
                        break;
                }
            }
            _sb.Append('"');
        }
    }
}
