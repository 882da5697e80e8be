using System.Globalization;

namespace LlmEngine.Templates.Jinja;

/// <summary>
/// The functions every template can call: Jinja's <c>range</c>, <c>dict</c>, <c>namespace</c>, <c>cycler</c>,
/// <c>joiner</c>, and Hugging Face's <c>raise_exception</c> and <c>strftime_now</c>.
/// </summary>
internal static class Globals
{
    private static readonly Dictionary<string, JinjaValue> s_globals = new(StringComparer.Ordinal)
    {
        ["range"] = new JinjaCallable("range", Range),
        ["dict"] = new JinjaCallable("dict", Dict),
        ["namespace"] = new JinjaCallable("namespace", Namespace),
        ["raise_exception"] = new JinjaCallable("raise_exception", RaiseException),
        ["strftime_now"] = new JinjaCallable("strftime_now", StrftimeNow),
        ["cycler"] = new JinjaCallable("cycler", Cycler),
        ["joiner"] = new JinjaCallable("joiner", Joiner),
    };

    /// <summary>Looks up a global.</summary>
    public static bool TryGet(string name, out JinjaValue value) => s_globals.TryGetValue(name, out value!);

    private static JinjaValue Range(Interpreter interpreter, Arguments args)
    {
        if (args.Count is < 1 or > 3)
        {
            throw new TemplateError($"range expected 1 to 3 arguments, got {args.Count}");
        }
        long start = 0, step = 1, stop;
        if (args.Count == 1)
        {
            stop = Operators.ToLong(args.Positional[0]);
        }
        else
        {
            start = Operators.ToLong(args.Positional[0]);
            stop = Operators.ToLong(args.Positional[1]);
            if (args.Count == 3)
            {
                step = Operators.ToLong(args.Positional[2]);
            }
        }
        if (step == 0)
        {
            throw new TemplateError("range() arg 3 must not be zero");
        }
        var count = step > 0 ? (stop - start + step - 1) / step : (start - stop - step - 1) / -step;
        count = Math.Max(0, count);
        if (count > interpreter.Options.MaxRangeSize)
        {
            throw new TemplateError($"range() of {count} items is over the limit of {interpreter.Options.MaxRangeSize} (MaxRangeSize)");
        }
        var items = new List<JinjaValue>((int)count);
        for (var i = 0L; i < count; i++)
        {
            items.Add(JinjaInt.Of(start + (i * step)));
        }
        return new JinjaList(items);
    }

    private static JinjaValue Dict(Interpreter interpreter, Arguments args)
    {
        var dict = new JinjaDict();
        if (args.Count > 1)
        {
            throw new TemplateError($"dict expected at most 1 argument, got {args.Count}");
        }
        if (args.Count == 1)
        {
            CopyInto(dict, args.Positional[0]);
        }
        foreach (var (key, value) in args.Keywords ?? [])
        {
            dict.Set(key, value);
        }
        return dict;
    }

    /// <summary>Copies a mapping, or an iterable of key/value pairs, into <paramref name="dict"/>.</summary>
    public static void CopyInto(JinjaDict dict, JinjaValue source)
    {
        if (source is JinjaDict other)
        {
            foreach (var (key, value) in other.Items)
            {
                dict.Items[key] = value;
            }
            return;
        }
        foreach (var pair in source.Iterate())
        {
            var items = pair.Iterate();
            if (items.Count != 2)
            {
                throw new TemplateError($"dictionary update sequence element has length {items.Count}; 2 is required");
            }
            dict.Items[items[0]] = items[1];
        }
    }

    private static JinjaValue Namespace(Interpreter interpreter, Arguments args)
    {
        var ns = new JinjaNamespace();
        if (args.Count > 0)
        {
            var initial = new JinjaDict();
            CopyInto(initial, args.Positional[0]);
            foreach (var (key, value) in initial.Items)
            {
                ns.Attributes[key.ToStr()] = value;
            }
        }
        foreach (var (key, value) in args.Keywords ?? [])
        {
            ns.Attributes[key] = value;
        }
        return ns;
    }

    private static JinjaValue RaiseException(Interpreter interpreter, Arguments args) =>
        throw interpreter.Raised(args.Get(0, "message")?.ToStr() ?? string.Empty);

    private static JinjaValue StrftimeNow(Interpreter interpreter, Arguments args)
    {
        var format = args.Require(0, "format", "strftime_now").ToStr();
        var now = interpreter.Options.TimeProvider.GetLocalNow();
        return JinjaString.Of(Strftime.Format(now, format));
    }

    private static JinjaValue Cycler(Interpreter interpreter, Arguments args)
    {
        var items = args.Positional.ToArray();
        if (items.Length == 0)
        {
            throw new TemplateError("at least one item has to be provided");
        }
        var position = 0;
        var cycler = new JinjaNamespace();
        cycler.Attributes["current"] = items[0];
        cycler.Attributes["next"] = new JinjaCallable("next", (_, _) =>
        {
            var value = items[position];
            position = (position + 1) % items.Length;
            cycler.Attributes["current"] = items[position];
            return value;
        });
        cycler.Attributes["reset"] = new JinjaCallable("reset", (_, _) =>
        {
            position = 0;
            cycler.Attributes["current"] = items[0];
            return JinjaNone.Instance;
        });
        return cycler;
    }

    private static JinjaValue Joiner(Interpreter interpreter, Arguments args)
    {
        var separator = args.Get(0, "sep")?.ToStr() ?? ", ";
        var used = false;
        return new JinjaCallable("joiner", (_, _) =>
        {
            if (!used)
            {
                used = true;
                return JinjaString.Empty;
            }
            return JinjaString.Of(separator);
        });
    }
}
