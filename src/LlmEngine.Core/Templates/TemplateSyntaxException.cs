namespace LlmEngine.Templates;

/// <summary>
/// Thrown when a chat template's source is not valid Jinja. The message names the problem, the line and the column.
/// </summary>
public sealed class TemplateSyntaxException : ChatTemplateException
{
    /// <summary>Creates the exception for <paramref name="problem"/> at a 1-based line and column.</summary>
    public TemplateSyntaxException(string problem, int line, int column)
        : base($"Template syntax error at line {line}, column {column}: {problem}", line, column)
    {
        Problem = problem;
    }

    /// <summary>What is wrong, without the location.</summary>
    public string Problem { get; }
}
