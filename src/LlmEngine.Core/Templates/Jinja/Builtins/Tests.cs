namespace LlmEngine.Templates.Jinja;

/// <summary>A Jinja test: <c>value is name(args)</c>.</summary>
internal delegate bool TestFunction(Interpreter interpreter, JinjaValue value, Arguments arguments);

/// <summary>Jinja's built-in tests, with Jinja2's definitions (for example <c>true is number</c> holds, as in Python).</summary>
internal static class Tests
{
    private static readonly Dictionary<string, TestFunction> s_tests = new(StringComparer.Ordinal)
    {
        ["defined"] = (_, v, _) => !v.IsUndefined,
        ["undefined"] = (_, v, _) => v.IsUndefined,
        ["none"] = (_, v, _) => v.IsNone,
        ["boolean"] = (_, v, _) => v is JinjaBool,
        ["true"] = (_, v, _) => v is JinjaBool { Value: true },
        ["false"] = (_, v, _) => v is JinjaBool { Value: false },
        ["integer"] = (_, v, _) => v is JinjaInt,
        ["float"] = (_, v, _) => v is JinjaFloat,
        ["number"] = (_, v, _) => Operators.IsNumber(v),
        ["string"] = (_, v, _) => v is JinjaString,
        ["mapping"] = (_, v, _) => v is JinjaDict,
        ["sequence"] = (_, v, _) => v is JinjaString or JinjaList or JinjaDict,
        ["iterable"] = (_, v, _) => v is JinjaString or JinjaList or JinjaDict or JinjaUndefined,
        ["callable"] = (_, v, _) => v is JinjaCallable or LoopContext { Recurse: not null },
        ["odd"] = (_, v, _) => Operators.ToLong(v) % 2 != 0,
        ["even"] = (_, v, _) => Operators.ToLong(v) % 2 == 0,
        ["divisibleby"] = (_, v, a) => Operators.Arithmetic('%', v, a.Require(0, "num", "divisibleby")) is var r
            && Operators.AreEqual(r, JinjaInt.Of(0)),
        ["lower"] = (_, v, _) => IsCased(v.ToStr(), lower: true),
        ["upper"] = (_, v, _) => IsCased(v.ToStr(), lower: false),
        ["sameas"] = (_, v, a) => SameAs(v, a.Require(0, "other", "sameas")),
        ["escaped"] = (_, _, _) => false,
        ["in"] = (_, v, a) => Operators.Contains(a.Require(0, "seq", "in"), v),
        ["filter"] = (_, v, _) => v is JinjaString s && Filters.TryGet(s.Value, out _),
        ["test"] = (_, v, _) => v is JinjaString s && IsTest(s.Value),
        ["=="] = Equal,
        ["eq"] = Equal,
        ["equalto"] = Equal,
        ["!="] = (i, v, a) => !Equal(i, v, a),
        ["ne"] = (i, v, a) => !Equal(i, v, a),
        [">"] = (_, v, a) => Operators.Compare(v, a.Require(0, "other", "gt"), ">") > 0,
        ["gt"] = (_, v, a) => Operators.Compare(v, a.Require(0, "other", "gt"), ">") > 0,
        ["greaterthan"] = (_, v, a) => Operators.Compare(v, a.Require(0, "other", "gt"), ">") > 0,
        [">="] = (_, v, a) => Operators.Compare(v, a.Require(0, "other", "ge"), ">=") >= 0,
        ["ge"] = (_, v, a) => Operators.Compare(v, a.Require(0, "other", "ge"), ">=") >= 0,
        ["<"] = (_, v, a) => Operators.Compare(v, a.Require(0, "other", "lt"), "<") < 0,
        ["lt"] = (_, v, a) => Operators.Compare(v, a.Require(0, "other", "lt"), "<") < 0,
        ["lessthan"] = (_, v, a) => Operators.Compare(v, a.Require(0, "other", "lt"), "<") < 0,
        ["<="] = (_, v, a) => Operators.Compare(v, a.Require(0, "other", "le"), "<=") <= 0,
        ["le"] = (_, v, a) => Operators.Compare(v, a.Require(0, "other", "le"), "<=") <= 0,
    };

    /// <summary>Looks up a test by name.</summary>
    public static bool TryGet(string name, out TestFunction test) => s_tests.TryGetValue(name, out test!);

    private static bool IsTest(string name) => s_tests.ContainsKey(name);

    private static bool Equal(Interpreter interpreter, JinjaValue value, Arguments arguments) =>
        Operators.AreEqual(value, arguments.Require(0, "other", "eq"));

    // Python's `is`: the same object; small ints, None and booleans are singletons there too.
    private static bool SameAs(JinjaValue value, JinjaValue other) =>
        ReferenceEquals(value, other)
        || (value is JinjaInt a && other is JinjaInt b && a.Value == b.Value && a.Value is >= -5 and <= 256);

    // Python's str.islower / str.isupper: at least one cased character and none of the other case.
    private static bool IsCased(string text, bool lower)
    {
        var anyCased = false;
        foreach (var c in text)
        {
            if (char.IsUpper(c))
            {
                if (lower)
                {
                    return false;
                }
                anyCased = true;
            }
            else if (char.IsLower(c))
            {
                if (!lower)
                {
                    return false;
                }
                anyCased = true;
            }
        }
        return anyCased;
    }
}
