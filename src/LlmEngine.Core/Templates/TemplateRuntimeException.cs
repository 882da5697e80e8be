namespace LlmEngine.Templates;

/// <summary>
/// Thrown when a valid chat template fails while rendering: an operation Jinja rejects (adding a string to a number,
/// reading an attribute of an undefined value, calling something that is not callable) or an exceeded
/// <see cref="ChatTemplateOptions"/> limit. The message names the problem, the line and the column.
/// </summary>
public sealed class TemplateRuntimeException : ChatTemplateException
{
    /// <summary>Creates the exception for <paramref name="problem"/> at a 1-based line and column.</summary>
    public TemplateRuntimeException(string problem, int line, int column, Exception? inner = null)
        : base($"Template error at line {line}, column {column}: {problem}", line, column, inner)
    {
        Problem = problem;
    }

    /// <summary>What went wrong, without the location.</summary>
    public string Problem { get; }
}
