using System.Text;

namespace LlmEngine.Templates.Jinja;

/// <summary>Jinja's sequence filters.</summary>
internal static class SequenceFilters
{
    /// <summary><c>join(d='', attribute=None)</c>: joins each item's <c>str()</c>.</summary>
    public static JinjaValue Join(Interpreter interpreter, JinjaValue value, Arguments args)
    {
        var separator = args.Get(0, "d")?.ToStr() ?? string.Empty;
        var attribute = args.Get(1, "attribute")?.ToStr();
        var sb = new StringBuilder();
        var first = true;
        foreach (var item in value.Iterate())
        {
            if (!first)
            {
                sb.Append(separator);
            }
            first = false;
            (attribute is null ? item : Sequences.GetPath(item, attribute)).WriteStr(sb);
            Operators.CheckLength(sb.Length, interpreter.Options.MaxOutputLength);
        }
        return JinjaString.Of(sb.ToString());
    }

    /// <summary><c>first</c>: the first item, or undefined.</summary>
    public static JinjaValue First(Interpreter interpreter, JinjaValue value, Arguments args)
    {
        var items = value.Iterate();
        return items.Count > 0 ? items[0] : JinjaUndefined.MissingVariable("first");
    }

    /// <summary><c>last</c>: the last item, or undefined.</summary>
    public static JinjaValue Last(Interpreter interpreter, JinjaValue value, Arguments args)
    {
        var items = value.Iterate();
        return items.Count > 0 ? items[^1] : JinjaUndefined.MissingVariable("last");
    }

    /// <summary><c>map('filter', *args)</c> or <c>map(attribute='x', default=None)</c>.</summary>
    public static JinjaValue Map(Interpreter interpreter, JinjaValue value, Arguments args)
    {
        var result = new List<JinjaValue>();
        var attribute = args.Get(-1, "attribute");
        if (attribute is not null)
        {
            var fallback = args.Get(-1, "default");
            foreach (var item in value.Iterate())
            {
                var mapped = Sequences.GetPath(item, attribute.ToStr());
                result.Add(mapped.IsUndefined && fallback is not null ? fallback : mapped);
            }
            return new JinjaList(result);
        }
        var name = args.Require(0, "filter", "map").ToStr();
        var rest = new Arguments(args.Positional.GetRange(1, args.Count - 1), args.Keywords);
        foreach (var item in value.Iterate())
        {
            result.Add(interpreter.CallFilter(name, item, rest));
        }
        return new JinjaList(result);
    }

    /// <summary><c>select/reject('test', *args)</c> and <c>selectattr/rejectattr('attr', 'test', *args)</c>.</summary>
    public static JinjaValue Select(Interpreter interpreter, JinjaValue value, Arguments args, bool keep, bool byAttribute)
    {
        var offset = byAttribute ? 1 : 0;
        var attribute = byAttribute ? args.Require(0, "attribute", keep ? "selectattr" : "rejectattr").ToStr() : null;
        var testName = args.Count > offset ? args.Positional[offset].ToStr() : null;
        var rest = testName is null
            ? Arguments.Empty
            : new Arguments(args.Positional.GetRange(offset + 1, args.Count - offset - 1), args.Keywords);
        var result = new List<JinjaValue>();
        foreach (var item in value.Iterate())
        {
            var subject = attribute is null ? item : Sequences.GetPath(item, attribute);
            var passes = testName is null ? subject.IsTruthy : interpreter.CallTest(testName, subject, rest);
            if (passes == keep)
            {
                result.Add(item);
            }
        }
        return new JinjaList(result);
    }

    /// <summary><c>sort(reverse=False, case_sensitive=False, attribute=None)</c>.</summary>
    public static JinjaValue Sort(Interpreter interpreter, JinjaValue value, Arguments args)
    {
        var reverse = args.Get(0, "reverse")?.IsTruthy ?? false;
        var caseSensitive = args.Get(1, "case_sensitive")?.IsTruthy ?? false;
        var attribute = args.Get(2, "attribute")?.ToStr();
        return new JinjaList(Sequences.StableSort(value.Iterate(),
            item => Sequences.IgnoreCase(attribute is null ? item : Sequences.GetPath(item, attribute), caseSensitive), reverse));
    }

    /// <summary><c>dictsort(case_sensitive=False, by='key', reverse=False)</c>: (key, value) pairs, sorted.</summary>
    public static JinjaValue DictSort(Interpreter interpreter, JinjaValue value, Arguments args)
    {
        if (value is not JinjaDict dict)
        {
            throw new TemplateError($"dictsort expects a mapping, not {value.TypeName}");
        }
        var caseSensitive = args.Get(0, "case_sensitive")?.IsTruthy ?? false;
        var by = args.Get(1, "by")?.ToStr() ?? "key";
        var reverse = args.Get(2, "reverse")?.IsTruthy ?? false;
        var position = by switch
        {
            "key" => 0,
            "value" => 1,
            _ => throw new TemplateError("You can only sort by either \"key\" or \"value\""),
        };
        var pairs = CollectionMethods.Items(dict).Items;
        return new JinjaList(Sequences.StableSort(pairs,
            pair => Sequences.IgnoreCase(((JinjaList)pair).Items[position], caseSensitive), reverse));
    }

    /// <summary><c>unique(case_sensitive=False, attribute=None)</c>: first occurrences, in order.</summary>
    public static JinjaValue Unique(Interpreter interpreter, JinjaValue value, Arguments args)
    {
        var caseSensitive = args.Get(0, "case_sensitive")?.IsTruthy ?? false;
        var attribute = args.Get(1, "attribute")?.ToStr();
        var seen = new HashSet<JinjaValue>(JinjaValueComparer.Instance);
        var result = new List<JinjaValue>();
        foreach (var item in value.Iterate())
        {
            var key = Sequences.IgnoreCase(attribute is null ? item : Sequences.GetPath(item, attribute), caseSensitive);
            if (seen.Add(key))
            {
                result.Add(item);
            }
        }
        return new JinjaList(result);
    }

    /// <summary><c>reverse</c>: a reversed string, or the items in reverse order.</summary>
    public static JinjaValue Reverse(Interpreter interpreter, JinjaValue value, Arguments args)
    {
        if (value is JinjaString s)
        {
            return Sequences.Slice(s, null, null, JinjaInt.Of(-1));
        }
        var items = new List<JinjaValue>(value.Iterate());
        items.Reverse();
        return new JinjaList(items);
    }

    /// <summary><c>batch(linecount, fill_with=None)</c>: lists of <c>linecount</c> items.</summary>
    public static JinjaValue Batch(Interpreter interpreter, JinjaValue value, Arguments args)
    {
        var size = (int)Operators.ToLong(args.Require(0, "linecount", "batch"));
        if (size <= 0)
        {
            throw new TemplateError("batch size must be positive");
        }
        var fill = args.Get(1, "fill_with");
        var result = new List<JinjaValue>();
        List<JinjaValue>? current = null;
        foreach (var item in value.Iterate())
        {
            current ??= new List<JinjaValue>(size);
            current.Add(item);
            if (current.Count == size)
            {
                result.Add(new JinjaList(current));
                current = null;
            }
        }
        if (current is not null)
        {
            while (fill is { IsNone: false } && current.Count < size)
            {
                current.Add(fill);
            }
            result.Add(new JinjaList(current));
        }
        return new JinjaList(result);
    }

    /// <summary><c>slice(slices, fill_with=None)</c>: the items split into that many columns.</summary>
    public static JinjaValue SliceInto(Interpreter interpreter, JinjaValue value, Arguments args)
    {
        var items = value.Iterate();
        var slices = (int)Operators.ToLong(args.Require(0, "slices", "slice"));
        if (slices <= 0)
        {
            throw new TemplateError("slice count must be positive");
        }
        var fill = args.Get(1, "fill_with");
        var perSlice = items.Count / slices;
        var withExtra = items.Count % slices;
        var offset = 0;
        var result = new List<JinjaValue>(slices);
        for (var n = 0; n < slices; n++)
        {
            var start = offset + (n * perSlice);
            if (n < withExtra)
            {
                offset++;
            }
            var end = offset + ((n + 1) * perSlice);
            var slice = new List<JinjaValue>();
            for (var i = start; i < end; i++)
            {
                slice.Add(items[i]);
            }
            if (fill is { IsNone: false } && n >= withExtra)
            {
                slice.Add(fill);
            }
            result.Add(new JinjaList(slice));
        }
        return new JinjaList(result);
    }

    /// <summary><c>sum(attribute=None, start=0)</c>.</summary>
    public static JinjaValue Sum(Interpreter interpreter, JinjaValue value, Arguments args)
    {
        var attribute = args.Get(0, "attribute")?.ToStr();
        var total = args.Get(1, "start", JinjaInt.Of(0));
        foreach (var item in value.Iterate())
        {
            total = Operators.Add(total, attribute is null ? item : Sequences.GetPath(item, attribute), interpreter.Options.MaxOutputLength);
        }
        return total;
    }

    /// <summary><c>min/max(case_sensitive=False, attribute=None)</c>: undefined for no items.</summary>
    public static JinjaValue MinMax(JinjaValue value, Arguments args, bool max)
    {
        var caseSensitive = args.Get(0, "case_sensitive")?.IsTruthy ?? false;
        var attribute = args.Get(1, "attribute")?.ToStr();
        JinjaValue? best = null;
        JinjaValue? bestKey = null;
        foreach (var item in value.Iterate())
        {
            var key = Sequences.IgnoreCase(attribute is null ? item : Sequences.GetPath(item, attribute), caseSensitive);
            if (bestKey is null || (max ? Operators.Compare(key, bestKey) > 0 : Operators.Compare(key, bestKey) < 0))
            {
                best = item;
                bestKey = key;
            }
        }
        return best ?? JinjaUndefined.MissingVariable(max ? "max" : "min");
    }
}
