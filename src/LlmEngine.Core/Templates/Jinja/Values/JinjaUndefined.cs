using System.Text;

namespace LlmEngine.Templates.Jinja;

/// <summary>
/// Jinja's default <c>Undefined</c>: what a missing variable, attribute or item evaluates to. It prints as the empty
/// string, is false, iterates as empty and has length 0, but any further attribute or item access, arithmetic or
/// ordering fails with the message Jinja gives ("'x' is undefined", "'dict object' has no attribute 'y'").
/// </summary>
internal sealed class JinjaUndefined : JinjaValue
{
    /// <summary>An undefined value with no history (for example the missing branch of <c>a if b</c>).</summary>
    public static readonly JinjaUndefined Instance = new("undefined value");

    private JinjaUndefined(string message)
    {
        Message = message;
    }

    /// <summary>The message an operation on this value fails with.</summary>
    public string Message { get; }

    /// <inheritdoc />
    public override string TypeName => "Undefined";

    /// <inheritdoc />
    public override bool IsTruthy => false;

    /// <inheritdoc />
    public override bool IsUndefined => true;

    /// <inheritdoc />
    public override int? Length => 0;

    /// <summary>A variable that no scope defines.</summary>
    public static JinjaUndefined MissingVariable(string name) => new($"'{name}' is undefined");

    /// <summary>An attribute <paramref name="owner"/> does not have.</summary>
    public static JinjaUndefined MissingAttribute(JinjaValue owner, string name) =>
        new($"{ObjectTypeRepr(owner, quoted: true)} has no attribute '{name}'");

    /// <summary>An item <paramref name="owner"/> does not have.</summary>
    public static JinjaUndefined MissingItem(JinjaValue owner, JinjaValue key) => key is JinjaString s
        ? MissingAttribute(owner, s.Value)
        : new($"{ObjectTypeRepr(owner, quoted: false)} has no element {key.ToRepr()}");

    /// <summary>The error an operation on this value raises.</summary>
    public TemplateError Fail() => new(Message);

    /// <inheritdoc />
    public override void WriteRepr(StringBuilder sb) => sb.Append("Undefined");

    /// <inheritdoc />
    public override void WriteStr(StringBuilder sb)
    {
    }

    /// <inheritdoc />
    public override string ToStr() => string.Empty;

    /// <inheritdoc />
    public override JinjaValue GetAttribute(string name) => throw Fail();

    /// <inheritdoc />
    public override JinjaValue GetItem(JinjaValue key) => throw Fail();

    /// <inheritdoc />
    public override IReadOnlyList<JinjaValue> Iterate() => [];

    // Jinja's object_type_repr: "None" for None, else "<type> object"; attribute messages quote it, element ones do not.
    private static string ObjectTypeRepr(JinjaValue owner, bool quoted)
    {
        if (owner.IsNone)
        {
            return quoted ? "'None'" : "None";
        }
        return quoted ? $"'{owner.TypeName} object'" : $"{owner.TypeName} object";
    }
}
