using System.Text;

namespace LlmEngine.Templates.Jinja;

/// <summary>
/// A value inside a template, with Python's semantics: truthiness, <c>str()</c> and <c>repr()</c> rendering,
/// attribute and item access, iteration. Jinja templates are Python expressions, so every rule here follows CPython
/// and Jinja2 (the reference renderers use them), not .NET conventions.
/// </summary>
internal abstract class JinjaValue
{
    /// <summary>Python's type name, used in error messages ("str", "int", "dict", "list", ...).</summary>
    public abstract string TypeName { get; }

    /// <summary>Python's <c>bool(value)</c>.</summary>
    public abstract bool IsTruthy { get; }

    /// <summary>True for <see cref="JinjaUndefined"/>.</summary>
    public virtual bool IsUndefined => false;

    /// <summary>True for Python's None.</summary>
    public virtual bool IsNone => false;

    /// <summary>Appends Python's <c>repr(value)</c>.</summary>
    public abstract void WriteRepr(StringBuilder sb);

    /// <summary>Appends Python's <c>str(value)</c>; the same as repr except for strings, floats and undefined.</summary>
    public virtual void WriteStr(StringBuilder sb) => WriteRepr(sb);

    /// <summary>Python's <c>str(value)</c>.</summary>
    public virtual string ToStr()
    {
        var sb = new StringBuilder();
        WriteStr(sb);
        return sb.ToString();
    }

    /// <summary>Python's <c>repr(value)</c>.</summary>
    public string ToRepr()
    {
        var sb = new StringBuilder();
        WriteRepr(sb);
        return sb.ToString();
    }

    /// <summary>Jinja's <c>value.name</c>: a Python attribute (for example a bound method), else an undefined value.</summary>
    public virtual JinjaValue GetAttribute(string name) => JinjaUndefined.MissingAttribute(this, name);

    /// <summary>Jinja's <c>value[key]</c>: an item, else (like Jinja) an undefined value rather than an error.</summary>
    public virtual JinjaValue GetItem(JinjaValue key)
    {
        if (key is JinjaString s)
        {
            return GetAttribute(s.Value);
        }
        return JinjaUndefined.MissingItem(this, key);
    }

    /// <summary>The items a <c>for</c> loop visits: list items, dict keys, string characters.</summary>
    /// <exception cref="TemplateError">The value is not iterable.</exception>
    public virtual IReadOnlyList<JinjaValue> Iterate() => throw new TemplateError($"'{TypeName}' object is not iterable");

    /// <summary>Python's <c>len(value)</c>, or null when the value has no length.</summary>
    public virtual int? Length => null;

    /// <inheritdoc />
    public override string ToString() => ToStr();
}
