using LlmEngine.Tokenization.Unicode;

namespace LlmEngine.Tokenization.PreTokenization;

/// <summary>
/// Text as code points, with lazily built one-character-per-code-point views for regular expressions: the collapsed
/// view (llama.cpp's: ASCII kept, other code points replaced by one representative per category) and the wide view
/// (code points kept, supplementary ones replaced by placeholders a step chooses).
/// </summary>
internal sealed class CodepointText
{
    private string? _collapsed;

    /// <summary>Decodes <paramref name="text"/>.</summary>
    public CodepointText(ReadOnlySpan<char> text)
    {
        var offsets = new List<int>(text.Length + 1);
        Codepoints = Unicode.Codepoints.Decode(text, offsets);
        CharOffsets = [.. offsets];
    }

    /// <summary>The code points.</summary>
    public int[] Codepoints { get; }

    /// <summary>UTF-16 offset of each code point, plus the end.</summary>
    public int[] CharOffsets { get; }

    /// <summary>
    /// The collapsed view: ASCII as is; other whitespace as \v; other code points as U+00D1 (number), U+00D2 (letter),
    /// U+00D3 (punctuation), U+00D4 (mark), U+00D5 (symbol) or U+00D0 (anything else).
    /// </summary>
    public string Collapsed => _collapsed ??= BuildCollapsed();

    /// <summary>The wide view: code points as is (non-ASCII whitespace as \v), supplementary ones mapped by <paramref name="supplementary"/>.</summary>
    public string Wide(Func<int, char> supplementary)
    {
        return string.Create(Codepoints.Length, (Codepoints, supplementary), static (span, state) =>
        {
            var (cps, map) = state;
            for (int i = 0; i < cps.Length; i++)
            {
                int cp = cps[i];
                span[i] = cp > 0x7F && Unicode.Codepoints.IsWhitespace(cp) ? '\v'
                    : cp > 0xFFFF ? map(cp)
                    : RegexTranslator.IsPlaceholder((char)cp) ? RegexTranslator.ReplacedPlaceholder : (char)cp;
            }
        });
    }

    private string BuildCollapsed() => string.Create(Codepoints.Length, Codepoints, static (span, cps) =>
    {
        for (int i = 0; i < cps.Length; i++)
        {
            int cp = cps[i];
            span[i] = cp < 128 ? (char)cp
                : Unicode.Codepoints.IsWhitespace(cp) ? '\v'
                : Unicode.Codepoints.GetCategory(cp) switch
                {
                    CodepointCategory.Number => '\u00D1',
                    CodepointCategory.Letter => '\u00D2',
                    CodepointCategory.Punctuation => '\u00D3',
                    CodepointCategory.AccentMark => '\u00D4',
                    CodepointCategory.Symbol => '\u00D5',
                    _ => '\u00D0',
                };
        }
    });
}
