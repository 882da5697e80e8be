using System.Text;

namespace LlmEngine.Templates.Jinja;

/// <summary>Sequence helpers shared by the interpreter and the filters: slicing, attribute paths, stable sorting.</summary>
internal static class Sequences
{
    /// <summary>Python's <c>value[start:stop:step]</c> on a list, tuple or string.</summary>
    public static JinjaValue Slice(JinjaValue target, JinjaValue? start, JinjaValue? stop, JinjaValue? step)
    {
        IReadOnlyList<JinjaValue> items = target switch
        {
            JinjaList list => list.Items,
            JinjaString s => PythonStrings.CodePoints(s.Value),
            JinjaUndefined u => throw u.Fail(),
            _ => throw new TemplateError($"'{target.TypeName}' object is not subscriptable"),
        };
        var stepValue = IsGiven(step) ? Operators.ToIndex(step!) : 1;
        if (stepValue == 0)
        {
            throw new TemplateError("slice step cannot be zero");
        }
        var count = items.Count;
        long lower = stepValue < 0 ? -1 : 0;
        long upper = stepValue < 0 ? count - 1 : count;
        var from = IsGiven(start) ? Adjust(Operators.ToIndex(start!), count, lower, upper) : stepValue < 0 ? upper : lower;
        var to = IsGiven(stop) ? Adjust(Operators.ToIndex(stop!), count, lower, upper) : stepValue < 0 ? lower : upper;
        var result = new List<JinjaValue>();
        for (var i = from; stepValue > 0 ? i < to : i > to; i += stepValue)
        {
            result.Add(items[(int)i]);
        }
        if (target is JinjaString)
        {
            var sb = new StringBuilder(result.Count);
            foreach (var item in result)
            {
                sb.Append(((JinjaString)item).Value);
            }
            return JinjaString.Of(sb.ToString());
        }
        return new JinjaList(result, ((JinjaList)target).IsTuple);
    }

    /// <summary>
    /// Jinja's attribute getter for <c>attribute=</c> arguments: a dotted path whose parts are item keys, integer parts
    /// becoming indexes (<c>"function.name"</c>, <c>"0"</c>).
    /// </summary>
    public static JinjaValue GetPath(JinjaValue value, string path)
    {
        foreach (var part in path.Split('.'))
        {
            value = long.TryParse(part, out var index) ? value.GetItem(JinjaInt.Of(index)) : value.GetItem(JinjaString.Of(part));
        }
        return value;
    }

    /// <summary>Lower-cases strings when a filter is case-insensitive (Jinja's <c>ignore_case</c>).</summary>
    public static JinjaValue IgnoreCase(JinjaValue value, bool caseSensitive) =>
        !caseSensitive && value is JinjaString s ? JinjaString.Of(s.Value.ToLowerInvariant()) : value;

    /// <summary>A stable sort of <paramref name="items"/> by <paramref name="key"/> (Python's sort is stable).</summary>
    public static List<JinjaValue> StableSort(IReadOnlyList<JinjaValue> items, Func<JinjaValue, JinjaValue> key, bool reverse)
    {
        var keyed = new (JinjaValue Key, int Index)[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            keyed[i] = (key(items[i]), i);
        }
        Array.Sort(keyed, (a, b) =>
        {
            var order = Operators.Compare(a.Key, b.Key);
            if (reverse)
            {
                order = -order;
            }
            return order != 0 ? order : a.Index.CompareTo(b.Index);
        });
        var result = new List<JinjaValue>(items.Count);
        foreach (var (_, index) in keyed)
        {
            result.Add(items[index]);
        }
        return result;
    }

    private static bool IsGiven(JinjaValue? value) => value is not null && value is not JinjaNone;

    private static long Adjust(long index, int count, long lower, long upper)
    {
        if (index < 0)
        {
            index += count;
            return index < lower ? lower : index;
        }
        return index > upper ? upper : index;
    }
}
