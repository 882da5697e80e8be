using System.Globalization;
using System.Text;

namespace LlmEngine.Tokenization.Unicode;

/// <summary>
/// Code point classification as llama.cpp's <c>unicode_cpt_flags</c> does it: one category per code point plus the
/// Unicode White_Space property, and helpers to walk a UTF-16 string by code point.
/// </summary>
internal static class Codepoints
{
    /// <summary>Sentinel for positions outside the current text.</summary>
    public const int OutOfRange = -1;

    private static readonly CodepointCategory[] s_bmp = BuildBmpTable();

    /// <summary>The category of <paramref name="codepoint"/>.</summary>
    public static CodepointCategory GetCategory(int codepoint) => (uint)codepoint < 0x10000
        ? s_bmp[codepoint]
        : (uint)codepoint <= 0x10FFFF ? FromUnicode(CharUnicodeInfo.GetUnicodeCategory(codepoint)) : CodepointCategory.Undefined;

    /// <summary>Unicode's White_Space property (the set llama.cpp calls whitespace).</summary>
    public static bool IsWhitespace(int codepoint) => codepoint switch
    {
        >= 0x09 and <= 0x0D => true,
        0x20 or 0x85 or 0xA0 or 0x1680 => true,
        >= 0x2000 and <= 0x200A => true,
        0x2028 or 0x2029 or 0x202F or 0x205F or 0x3000 => true,
        _ => false,
    };

    /// <summary>Whether <paramref name="codepoint"/> is a letter.</summary>
    public static bool IsLetter(int codepoint) => codepoint >= 0 && GetCategory(codepoint) == CodepointCategory.Letter;

    /// <summary>Whether <paramref name="codepoint"/> is a number.</summary>
    public static bool IsNumber(int codepoint) => codepoint >= 0 && GetCategory(codepoint) == CodepointCategory.Number;

    /// <summary>
    /// Decodes <paramref name="text"/> into code points (a lone surrogate becomes U+FFFD) and, when
    /// <paramref name="charOffsets"/> is given, the UTF-16 offset of each code point plus a final entry for the end.
    /// </summary>
    public static int[] Decode(ReadOnlySpan<char> text, List<int>? charOffsets = null)
    {
        var result = new List<int>(text.Length);
        int i = 0;
        while (i < text.Length)
        {
            charOffsets?.Add(i);
            Rune.DecodeFromUtf16(text[i..], out var rune, out int used);
            result.Add(rune.Value);
            i += used;
        }
        charOffsets?.Add(i);
        return [.. result];
    }

    /// <summary>Simple lowercase mapping of one code point.</summary>
    public static int ToLower(int codepoint) => Rune.IsValid(codepoint) ? Rune.ToLowerInvariant(new Rune(codepoint)).Value : codepoint;

    private static CodepointCategory[] BuildBmpTable()
    {
        var table = new CodepointCategory[0x10000];
        for (int c = 0; c < table.Length; c++)
        {
            table[c] = FromUnicode(CharUnicodeInfo.GetUnicodeCategory((char)c));
        }
        return table;
    }

    private static CodepointCategory FromUnicode(UnicodeCategory category) => category switch
    {
        UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
            or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => CodepointCategory.Letter,
        UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark => CodepointCategory.AccentMark,
        UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => CodepointCategory.Number,
        UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator => CodepointCategory.Separator,
        UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation or UnicodeCategory.OpenPunctuation
            or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation or UnicodeCategory.FinalQuotePunctuation
            or UnicodeCategory.OtherPunctuation => CodepointCategory.Punctuation,
        UnicodeCategory.MathSymbol or UnicodeCategory.CurrencySymbol or UnicodeCategory.ModifierSymbol
            or UnicodeCategory.OtherSymbol => CodepointCategory.Symbol,
        UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate
            or UnicodeCategory.PrivateUse => CodepointCategory.Control,
        _ => CodepointCategory.Undefined,
    };
}
