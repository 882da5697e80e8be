namespace LlmEngine.Sampling.Constraints;

/// <summary>
/// A constraint (JSON schema, regex, choice list or GBNF grammar) that cannot be compiled: invalid syntax, an
/// unsupported feature, an undefined rule, or a language that no finite output can satisfy. The message names the
/// problem; it is raised before any token is generated, so a server can answer 400.
/// </summary>
public sealed class ConstraintException : ArgumentException
{
    /// <summary>Creates the exception with a message that names the problem.</summary>
    public ConstraintException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public ConstraintException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
