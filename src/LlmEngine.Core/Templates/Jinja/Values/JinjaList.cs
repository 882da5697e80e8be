using System.Text;

namespace LlmEngine.Templates.Jinja;

/// <summary>A Python list, or a tuple when <see cref="IsTuple"/> (tuples print with parentheses).</summary>
internal sealed class JinjaList : JinjaValue
{
    /// <summary>Creates a list over <paramref name="items"/> (not copied).</summary>
    public JinjaList(List<JinjaValue> items, bool isTuple = false)
    {
        Items = items;
        IsTuple = isTuple;
    }

    /// <summary>The items; mutable, since templates call <c>append</c>.</summary>
    public List<JinjaValue> Items { get; }

    /// <summary>Whether this is a tuple.</summary>
    public bool IsTuple { get; }

    /// <inheritdoc />
    public override string TypeName => IsTuple ? "tuple" : "list";

    /// <inheritdoc />
    public override bool IsTruthy => Items.Count != 0;

    /// <inheritdoc />
    public override int? Length => Items.Count;

    /// <summary>A new empty list.</summary>
    public static JinjaList Create() => new([]);

    /// <summary>A tuple of <paramref name="items"/>.</summary>
    public static JinjaList Tuple(params JinjaValue[] items) => new([.. items], isTuple: true);

    /// <inheritdoc />
    public override void WriteRepr(StringBuilder sb)
    {
        sb.Append(IsTuple ? '(' : '[');
        for (var i = 0; i < Items.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(", ");
            }
            Items[i].WriteRepr(sb);
        }
        if (IsTuple && Items.Count == 1)
        {
            sb.Append(',');
        }
        sb.Append(IsTuple ? ')' : ']');
    }

    /// <inheritdoc />
    public override JinjaValue GetAttribute(string name) =>
        (JinjaValue?)CollectionMethods.TryBindList(this, name) ?? JinjaUndefined.MissingAttribute(this, name);

    /// <inheritdoc />
    public override JinjaValue GetItem(JinjaValue key)
    {
        if (key is JinjaInt or JinjaBool)
        {
            var index = Operators.ToIndex(key);
            if (index < 0)
            {
                index += Items.Count;
            }
            return index >= 0 && index < Items.Count ? Items[(int)index] : JinjaUndefined.MissingItem(this, key);
        }
        return base.GetItem(key);
    }

    /// <inheritdoc />
    public override IReadOnlyList<JinjaValue> Iterate() => Items;
}
