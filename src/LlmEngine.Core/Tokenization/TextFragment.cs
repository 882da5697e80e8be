namespace LlmEngine.Tokenization;

/// <summary>
/// A piece of the input after special tokens were split out: either a special token id or a range of the input text
/// that still has to be tokenized.
/// </summary>
/// <param name="TokenId">The special token, or -1 for text.</param>
/// <param name="Start">Start of the text range (UTF-16 offset).</param>
/// <param name="Length">Length of the text range.</param>
internal readonly record struct TextFragment(int TokenId, int Start, int Length)
{
    /// <summary>Whether this fragment is a special token rather than text.</summary>
    public bool IsToken => TokenId >= 0;

    /// <summary>A text fragment.</summary>
    public static TextFragment Text(int start, int length) => new(-1, start, length);

    /// <summary>A special-token fragment.</summary>
    public static TextFragment Token(int id) => new(id, 0, 0);
}
