using System.Text;

namespace LlmEngine.Templates.Jinja;

/// <summary>
/// Jinja's <c>namespace(...)</c>: the one object whose attributes a template may assign
/// (<c>{% set ns.found = true %}</c>), which is how templates carry state out of a loop's scope.
/// </summary>
internal sealed class JinjaNamespace : JinjaValue
{
    /// <summary>The attributes, in assignment order.</summary>
    public Dictionary<string, JinjaValue> Attributes { get; } = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public override string TypeName => "Namespace";

    /// <inheritdoc />
    public override bool IsTruthy => true;

    /// <inheritdoc />
    public override void WriteRepr(StringBuilder sb)
    {
        sb.Append("<Namespace {");
        var first = true;
        foreach (var (key, value) in Attributes)
        {
            if (!first)
            {
                sb.Append(", ");
            }
            first = false;
            PythonFormatting.WriteStringRepr(sb, key);
            sb.Append(": ");
            value.WriteRepr(sb);
        }
        sb.Append("}>");
    }

    /// <inheritdoc />
    public override JinjaValue GetAttribute(string name) =>
        Attributes.TryGetValue(name, out var value) ? value : JinjaUndefined.MissingAttribute(this, name);

    /// <inheritdoc />
    public override JinjaValue GetItem(JinjaValue key) =>
        key is JinjaString s ? GetAttribute(s.Value) : throw new TemplateError("'Namespace' object is not subscriptable");
}
