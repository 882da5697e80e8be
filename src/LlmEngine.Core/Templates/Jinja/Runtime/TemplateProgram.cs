namespace LlmEngine.Templates.Jinja;

/// <summary>A parsed template: its normalized source (for error locations) and its statements. Immutable, shared.</summary>
internal sealed class TemplateProgram
{
    private TemplateProgram(SourceText source, Node[] body)
    {
        Source = source;
        Body = body;
    }

    /// <summary>The normalized source.</summary>
    public SourceText Source { get; }

    /// <summary>The top-level statements.</summary>
    public Node[] Body { get; }

    /// <summary>Parses <paramref name="source"/>.</summary>
    /// <exception cref="TemplateSyntaxException">The source is not valid Jinja.</exception>
    public static TemplateProgram Parse(string source)
    {
        var text = new SourceText(source);
        try
        {
            return new TemplateProgram(text, Parser.Parse(text));
        }
        catch (InsufficientExecutionStackException)
        {
            throw new TemplateSyntaxException("the template nests too deeply", 1, 1);
        }
    }
}
