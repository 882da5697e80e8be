using System.Text;

namespace LlmEngine.Templates.Jinja;

/// <summary>
/// A Python dict: insertion-ordered, keys compared with Python equality (1 == 1.0 == True). Attribute access
/// (<c>d.name</c>) finds dict methods first and items second, as Jinja does on a real Python dict.
/// </summary>
internal sealed class JinjaDict : JinjaValue
{
    /// <summary>Creates an empty dict.</summary>
    public JinjaDict()
    {
        Items = new OrderedDictionary<JinjaValue, JinjaValue>(JinjaValueComparer.Instance);
    }

    /// <summary>Creates an empty dict sized for <paramref name="capacity"/> items.</summary>
    public JinjaDict(int capacity)
    {
        Items = new OrderedDictionary<JinjaValue, JinjaValue>(capacity, JinjaValueComparer.Instance);
    }

    /// <summary>The items, in insertion order.</summary>
    public OrderedDictionary<JinjaValue, JinjaValue> Items { get; }

    /// <inheritdoc />
    public override string TypeName => "dict";

    /// <inheritdoc />
    public override bool IsTruthy => Items.Count != 0;

    /// <inheritdoc />
    public override int? Length => Items.Count;

    /// <summary>Sets <paramref name="key"/> to <paramref name="value"/>.</summary>
    public void Set(string key, JinjaValue value) => Items[JinjaString.Of(key)] = value;

    /// <summary>Looks up a string key.</summary>
    public bool TryGet(string key, out JinjaValue value) => Items.TryGetValue(JinjaString.Of(key), out value!);

    /// <inheritdoc />
    public override void WriteRepr(StringBuilder sb)
    {
        sb.Append('{');
        var first = true;
        foreach (var (key, value) in Items)
        {
            if (!first)
            {
                sb.Append(", ");
            }
            first = false;
            key.WriteRepr(sb);
            sb.Append(": ");
            value.WriteRepr(sb);
        }
        sb.Append('}');
    }

    /// <inheritdoc />
    public override JinjaValue GetAttribute(string name)
    {
        var method = CollectionMethods.TryBindDict(this, name);
        if (method is not null)
        {
            return method;
        }
        return Items.TryGetValue(JinjaString.Of(name), out var value) ? value : JinjaUndefined.MissingAttribute(this, name);
    }

    /// <summary>Attribute access with a pre-built key (the parser makes one per <c>.name</c>), avoiding an allocation.</summary>
    public JinjaValue GetAttribute(JinjaString name)
    {
        if (Items.TryGetValue(name, out var value) && !CollectionMethods.IsDictMethod(name.Value))
        {
            return value;
        }
        return GetAttribute(name.Value);
    }

    /// <inheritdoc />
    public override JinjaValue GetItem(JinjaValue key)
    {
        if (key is JinjaList { IsTuple: false } or JinjaDict)
        {
            throw new TemplateError($"unhashable type: '{key.TypeName}'");
        }
        if (Items.TryGetValue(key, out var value))
        {
            return value;
        }
        return key is JinjaString s ? GetAttribute(s.Value) : JinjaUndefined.MissingItem(this, key);
    }

    /// <inheritdoc />
    public override IReadOnlyList<JinjaValue> Iterate()
    {
        var keys = new List<JinjaValue>(Items.Count);
        foreach (var key in Items.Keys)
        {
            keys.Add(key);
        }
        return keys;
    }
}
