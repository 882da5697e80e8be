using System.Text;

namespace LlmEngine.Templates.Jinja;

/// <summary>
/// The <c>loop</c> variable inside <c>{% for %}</c>: index, index0, revindex, revindex0, first, last, length, depth,
/// depth0, previtem, nextitem, cycle(...), changed(...); callable as <c>loop(items)</c> in a recursive loop.
/// </summary>
internal sealed class LoopContext(IReadOnlyList<JinjaValue> items, int depth, JinjaFunction? recurse) : JinjaValue
{
    private JinjaValue[]? _lastChanged;

    /// <summary>The 0-based index of the current iteration.</summary>
    public int Index0 { get; set; }

    /// <summary>The function behind <c>loop(items)</c>, or null when the loop is not recursive.</summary>
    public JinjaFunction? Recurse { get; } = recurse;

    /// <inheritdoc />
    public override string TypeName => "LoopContext";

    /// <inheritdoc />
    public override bool IsTruthy => true;

    /// <inheritdoc />
    public override void WriteRepr(StringBuilder sb) =>
        sb.Append("<LoopContext ").Append(Index0 + 1).Append('/').Append(items.Count).Append('>');

    /// <inheritdoc />
    public override JinjaValue GetAttribute(string name) => name switch
    {
        "index" => JinjaInt.Of(Index0 + 1),
        "index0" => JinjaInt.Of(Index0),
        "revindex" => JinjaInt.Of(items.Count - Index0),
        "revindex0" => JinjaInt.Of(items.Count - Index0 - 1),
        "first" => JinjaBool.Of(Index0 == 0),
        "last" => JinjaBool.Of(Index0 == items.Count - 1),
        "length" => JinjaInt.Of(items.Count),
        "depth" => JinjaInt.Of(depth),
        "depth0" => JinjaInt.Of(depth - 1),
        "previtem" => Index0 > 0 ? items[Index0 - 1] : JinjaUndefined.MissingVariable("previtem"),
        "nextitem" => Index0 + 1 < items.Count ? items[Index0 + 1] : JinjaUndefined.MissingVariable("nextitem"),
        "cycle" => new JinjaCallable("cycle", Cycle),
        "changed" => new JinjaCallable("changed", Changed),
        _ => base.GetAttribute(name),
    };

    private JinjaValue Cycle(Interpreter interpreter, Arguments arguments)
    {
        if (arguments.Count == 0)
        {
            throw new TemplateError("no items for cycling given");
        }
        return arguments.Positional[Index0 % arguments.Count];
    }

    private JinjaValue Changed(Interpreter interpreter, Arguments arguments)
    {
        var values = arguments.Positional.ToArray();
        if (_lastChanged is not null && _lastChanged.Length == values.Length)
        {
            var same = true;
            for (var i = 0; i < values.Length && same; i++)
            {
                same = Operators.AreEqual(values[i], _lastChanged[i]);
            }
            if (same)
            {
                return JinjaBool.False;
            }
        }
        _lastChanged = values;
        return JinjaBool.True;
    }
}
