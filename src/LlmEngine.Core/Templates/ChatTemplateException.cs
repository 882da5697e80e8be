namespace LlmEngine.Templates;

/// <summary>
/// Thrown when a chat template cannot be rendered. When the template itself calls <c>raise_exception(msg)</c>, the
/// message is exactly the template's own message (so callers can show it to users unchanged); every other failure
/// (a syntax error, a type error, an undefined value used where Jinja fails, an exceeded limit) derives from this type
/// and names the line and column in its message.
/// </summary>
public class ChatTemplateException : Exception
{
    /// <summary>Creates the exception with <paramref name="message"/> and no template location.</summary>
    public ChatTemplateException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> raised at a template location.</summary>
    /// <param name="message">The message, shown unchanged.</param>
    /// <param name="line">1-based line in the template source, or 0 when unknown.</param>
    /// <param name="column">1-based column in the template source, or 0 when unknown.</param>
    /// <param name="inner">The underlying exception, if any.</param>
    public ChatTemplateException(string message, int line, int column, Exception? inner = null)
        : base(message, inner)
    {
        Line = line;
        Column = column;
    }

    /// <summary>1-based line in the template source where the failure happened; 0 when unknown.</summary>
    public int Line { get; }

    /// <summary>1-based column in the template source where the failure happened; 0 when unknown.</summary>
    public int Column { get; }
}
