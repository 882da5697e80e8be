namespace LlmEngine.Templates.Jinja;

/// <summary>
/// A render-time failure raised deep inside values and builtins, which do not know where in the template they are.
/// The interpreter turns it into a <see cref="TemplateRuntimeException"/> carrying the current line and column.
/// </summary>
internal sealed class TemplateError(string message) : Exception(message);
