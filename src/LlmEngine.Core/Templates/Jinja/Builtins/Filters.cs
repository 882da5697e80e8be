using System.Globalization;

namespace LlmEngine.Templates.Jinja;

/// <summary>A Jinja filter: <c>value | name(args)</c>.</summary>
internal delegate JinjaValue FilterFunction(Interpreter interpreter, JinjaValue value, Arguments arguments);

/// <summary>
/// Jinja's built-in filters by name, with Jinja2's semantics; <c>tojson</c> is Hugging Face's (plain
/// <c>json.dumps</c>, <c>ensure_ascii=False</c>, no HTML escaping). String filters live in
/// <see cref="StringFilters"/>, sequence filters in <see cref="SequenceFilters"/>.
/// </summary>
internal static class Filters
{
    private static readonly Dictionary<string, FilterFunction> s_filters = new(StringComparer.Ordinal)
    {
        ["default"] = Default,
        ["d"] = Default,
        ["length"] = Length,
        ["count"] = Length,
        ["string"] = (_, v, _) => JinjaString.Of(v.ToStr()),
        ["int"] = Int,
        ["float"] = Float,
        ["abs"] = Abs,
        ["round"] = Round,
        ["safe"] = (_, v, _) => v,
        ["list"] = (_, v, _) => new JinjaList([.. v.Iterate()]),
        ["items"] = Items,
        ["attr"] = Attr,
        ["tojson"] = ToJson,
        ["pprint"] = (_, v, _) => JinjaString.Of(v.ToRepr()),
        ["trim"] = StringFilters.Trim,
        ["upper"] = (_, v, _) => JinjaString.Of(v.ToStr().ToUpperInvariant()),
        ["lower"] = (_, v, _) => JinjaString.Of(v.ToStr().ToLowerInvariant()),
        ["title"] = StringFilters.Title,
        ["capitalize"] = (_, v, _) => JinjaString.Of(PythonStrings.Capitalize(v.ToStr())),
        ["replace"] = StringFilters.Replace,
        ["indent"] = StringFilters.Indent,
        ["center"] = (_, v, a) => JinjaString.Of(StringMethods.Center(v.ToStr(), (int)Operators.ToLong(a.Get(0, "width", JinjaInt.Of(80))))),
        ["format"] = StringFilters.Format,
        ["striptags"] = StringFilters.StripTags,
        ["escape"] = StringFilters.Escape,
        ["e"] = StringFilters.Escape,
        ["forceescape"] = StringFilters.Escape,
        ["wordcount"] = StringFilters.WordCount,
        ["truncate"] = StringFilters.Truncate,
        ["join"] = SequenceFilters.Join,
        ["first"] = SequenceFilters.First,
        ["last"] = SequenceFilters.Last,
        ["map"] = SequenceFilters.Map,
        ["select"] = (i, v, a) => SequenceFilters.Select(i, v, a, keep: true, byAttribute: false),
        ["reject"] = (i, v, a) => SequenceFilters.Select(i, v, a, keep: false, byAttribute: false),
        ["selectattr"] = (i, v, a) => SequenceFilters.Select(i, v, a, keep: true, byAttribute: true),
        ["rejectattr"] = (i, v, a) => SequenceFilters.Select(i, v, a, keep: false, byAttribute: true),
        ["sort"] = SequenceFilters.Sort,
        ["dictsort"] = SequenceFilters.DictSort,
        ["unique"] = SequenceFilters.Unique,
        ["reverse"] = SequenceFilters.Reverse,
        ["batch"] = SequenceFilters.Batch,
        ["slice"] = SequenceFilters.SliceInto,
        ["sum"] = SequenceFilters.Sum,
        ["min"] = (i, v, a) => SequenceFilters.MinMax(v, a, max: false),
        ["max"] = (i, v, a) => SequenceFilters.MinMax(v, a, max: true),
    };

    /// <summary>Looks up a filter by name.</summary>
    public static bool TryGet(string name, out FilterFunction filter) => s_filters.TryGetValue(name, out filter!);

    private static JinjaValue Default(Interpreter interpreter, JinjaValue value, Arguments args)
    {
        var boolean = args.Get(1, "boolean")?.IsTruthy ?? false;
        if (value.IsUndefined || (boolean && !value.IsTruthy))
        {
            return args.Get(0, "default_value", JinjaString.Empty);
        }
        return value;
    }

    private static JinjaValue Length(Interpreter interpreter, JinjaValue value, Arguments args) =>
        value.Length is { } length
            ? JinjaInt.Of(length)
            : throw new TemplateError($"object of type '{value.TypeName}' has no len()");

    private static JinjaValue Int(Interpreter interpreter, JinjaValue value, Arguments args)
    {
        var fallback = args.Get(0, "default", JinjaInt.Of(0));
        var numberBase = (int)Operators.ToLong(args.Get(1, "base", JinjaInt.Of(10)));
        switch (value)
        {
            case JinjaInt or JinjaBool:
                return JinjaInt.Of(Operators.ToLong(value));
            case JinjaFloat f:
                return double.IsFinite(f.Value) ? JinjaInt.Of((long)Math.Truncate(f.Value)) : fallback;
            case JinjaString s:
                var text = s.Value.Trim().Replace("_", string.Empty);
                if (numberBase == 10 && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
                {
                    return JinjaInt.Of(n);
                }
                if (numberBase != 10)
                {
                    try
                    {
                        var digits = text.Length > 2 && text[0] == '0' && char.IsLetter(text[1]) ? text[2..] : text;
                        return JinjaInt.Of(Convert.ToInt64(digits, numberBase));
                    }
                    catch (Exception e) when (e is FormatException or ArgumentException or OverflowException)
                    {
                        return fallback;
                    }
                }
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d)
                    ? JinjaInt.Of((long)Math.Truncate(d))
                    : fallback;
            default:
                return fallback;
        }
    }

    private static JinjaValue Float(Interpreter interpreter, JinjaValue value, Arguments args)
    {
        var fallback = args.Get(0, "default", new JinjaFloat(0));
        return value switch
        {
            JinjaInt or JinjaBool or JinjaFloat => new JinjaFloat(Operators.ToDouble(value)),
            JinjaString s when ParseFloat(s.Value.Trim()) is { } d => new JinjaFloat(d),
            _ => fallback,
        };
    }

    private static double? ParseFloat(string text) => text.ToLowerInvariant() switch
    {
        "inf" or "+inf" or "infinity" => double.PositiveInfinity,
        "-inf" or "-infinity" => double.NegativeInfinity,
        "nan" or "+nan" or "-nan" => double.NaN,
        _ => double.TryParse(text.Replace("_", string.Empty), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null,
    };

    private static JinjaValue Abs(Interpreter interpreter, JinjaValue value, Arguments args) => value switch
    {
        JinjaInt i => JinjaInt.Of(checked(Math.Abs(i.Value))),
        JinjaBool b => JinjaInt.Of(b.Value ? 1 : 0),
        JinjaFloat f => new JinjaFloat(Math.Abs(f.Value)),
        _ => throw new TemplateError($"bad operand type for abs(): '{value.TypeName}'"),
    };

    // Jinja's round: "common" is Python's round() (half to even, an int stays an int); "ceil" and "floor" as named.
    private static JinjaValue Round(Interpreter interpreter, JinjaValue value, Arguments args)
    {
        var precision = (int)Operators.ToLong(args.Get(0, "precision", JinjaInt.Of(0)));
        var method = args.Get(1, "method")?.ToStr() ?? "common";
        if (method is not ("common" or "ceil" or "floor"))
        {
            throw new TemplateError("method must be common, ceil or floor");
        }
        if (method == "common" && value is JinjaInt or JinjaBool)
        {
            return JinjaInt.Of(Operators.ToLong(value));
        }
        var d = Operators.ToDouble(value);
        var scale = Math.Pow(10, precision);
        var result = method switch
        {
            "ceil" => Math.Ceiling(d * scale) / scale,
            "floor" => Math.Floor(d * scale) / scale,
            _ => Math.Round(d, Math.Clamp(precision, 0, 15), MidpointRounding.ToEven),
        };
        return new JinjaFloat(result);
    }

    private static JinjaValue Items(Interpreter interpreter, JinjaValue value, Arguments args) => value switch
    {
        JinjaDict dict => CollectionMethods.Items(dict),
        JinjaUndefined => new JinjaList([]),
        _ => throw new TemplateError($"Can only get item pairs from a mapping, not {value.TypeName}"),
    };

    // Jinja's attr looks up a Python attribute only, never an item: on a dict that is a method or undefined.
    private static JinjaValue Attr(Interpreter interpreter, JinjaValue value, Arguments args)
    {
        var name = args.Require(0, "name", "attr").ToStr();
        if (value is JinjaDict dict)
        {
            return (JinjaValue?)CollectionMethods.TryBindDict(dict, name) ?? JinjaUndefined.MissingAttribute(dict, name);
        }
        return value.GetAttribute(name);
    }

    // Hugging Face's signature: tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False).
    private static JinjaValue ToJson(Interpreter interpreter, JinjaValue value, Arguments args)
    {
        var indentValue = args.Get(1, "indent");
        string? indent = indentValue switch
        {
            null or JinjaNone => null,
            JinjaString s => s.Value,
            _ => new string(' ', (int)Math.Max(0, Operators.ToLong(indentValue))),
        };
        string? itemSeparator = null, keySeparator = null;
        if (args.Get(2, "separators") is JinjaList { Items.Count: 2 } separators)
        {
            itemSeparator = separators.Items[0].ToStr();
            keySeparator = separators.Items[1].ToStr();
        }
        var ensureAscii = args.Get(0, "ensure_ascii")?.IsTruthy ?? false;
        var sortKeys = args.Get(3, "sort_keys")?.IsTruthy ?? false;
        return JinjaString.Of(JsonDumps.Dumps(value, indent, itemSeparator, keySeparator, ensureAscii, sortKeys));
    }
}
