using System.Text;

namespace LlmEngine.Templates.Jinja;

/// <summary>A function a template can call: a global, a bound method, a macro, <c>caller</c>, <c>loop.cycle</c>.</summary>
internal delegate JinjaValue JinjaFunction(Interpreter interpreter, Arguments arguments);

/// <summary>A callable value.</summary>
internal sealed class JinjaCallable(string name, JinjaFunction function) : JinjaValue
{
    /// <summary>The name shown in errors and repr.</summary>
    public string Name { get; } = name;

    /// <summary>The implementation.</summary>
    public JinjaFunction Function { get; } = function;

    /// <inheritdoc />
    public override string TypeName => "function";

    /// <inheritdoc />
    public override bool IsTruthy => true;

    /// <summary>Calls the function.</summary>
    public JinjaValue Invoke(Interpreter interpreter, Arguments arguments) => Function(interpreter, arguments);

    /// <inheritdoc />
    public override void WriteRepr(StringBuilder sb) => sb.Append("<function ").Append(Name).Append('>');
}
