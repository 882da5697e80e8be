namespace LlmEngine.Templates.Jinja;

/// <summary>
/// A template source after Jinja's newline handling (<c>\r\n</c> and <c>\r</c> become <c>\n</c>; one trailing newline
/// dropped, as with <c>keep_trailing_newline=False</c>), with offsets mapped to 1-based lines and columns.
/// </summary>
internal sealed class SourceText
{
    private readonly List<int> _lineStarts = [0];

    /// <summary>Normalizes <paramref name="source"/>.</summary>
    public SourceText(string source)
    {
        var text = source.Contains('\r') ? source.Replace("\r\n", "\n").Replace('\r', '\n') : source;
        if (text.EndsWith('\n'))
        {
            text = text[..^1];
        }
        Text = text;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                _lineStarts.Add(i + 1);
            }
        }
    }

    /// <summary>The normalized text.</summary>
    public string Text { get; }

    /// <summary>The 1-based line and column of <paramref name="offset"/>.</summary>
    public (int Line, int Column) Locate(int offset)
    {
        var index = _lineStarts.BinarySearch(offset);
        if (index < 0)
        {
            index = ~index - 1;
        }
        return (index + 1, offset - _lineStarts[index] + 1);
    }

    /// <summary>A syntax error at <paramref name="offset"/>.</summary>
    public TemplateSyntaxException Error(string problem, int offset)
    {
        var (line, column) = Locate(offset);
        return new TemplateSyntaxException(problem, line, column);
    }
}
