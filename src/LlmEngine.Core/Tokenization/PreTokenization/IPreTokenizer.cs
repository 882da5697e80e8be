namespace LlmEngine.Tokenization.PreTokenization;

/// <summary>Splits text into the words that byte-pair merging works on (merges never cross a word boundary).</summary>
internal interface IPreTokenizer
{
    /// <summary>Appends the words of <paramref name="text"/> to <paramref name="words"/>, as UTF-16 ranges in order.</summary>
    void Split(ReadOnlySpan<char> text, List<TextRange> words);
}

/// <summary>A range of UTF-16 code units.</summary>
/// <param name="Start">First code unit.</param>
/// <param name="Length">Number of code units.</param>
internal readonly record struct TextRange(int Start, int Length);
