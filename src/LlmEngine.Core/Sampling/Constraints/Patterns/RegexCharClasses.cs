using System.Globalization;
using LlmEngine.Sampling.Constraints.Grammars;

namespace LlmEngine.Sampling.Constraints.Patterns;

/// <summary>
/// The character sets behind <c>\d \w \s</c>, chosen so that what the grammar generates matches under both
/// ECMAScript and .NET regex semantics (validators differ): the positive escapes are ASCII (the narrow reading), and
/// the negated forms exclude the broad Unicode reading (<c>\p{Nd}</c>, letters and marks, Unicode spaces). Sets that
/// come from negation stay inside the Basic Multilingual Plane, because UTF-16 engines count a supplementary
/// character as two.
/// </summary>
internal static class RegexCharClasses
{
    private static readonly Lazy<(CodePointSet Digit, CodePointSet Word, CodePointSet Space)> s_broad = new(BuildBroad);

    public static CodePointSet Bmp { get; } = CodePointSet.Range(0, 0xFFFF);

    public static CodePointSet Digit { get; } = CodePointSet.Range('0', '9');

    public static CodePointSet Word { get; } = CodePointSet.FromRanges([('0', '9'), ('A', 'Z'), ('a', 'z'), ('_', '_')]);

    public static CodePointSet Space { get; } = CodePointSet.Of(" \t\n\v\f\r");

    public static CodePointSet BroadDigit => s_broad.Value.Digit;

    public static CodePointSet BroadWord => s_broad.Value.Word;

    public static CodePointSet BroadSpace => s_broad.Value.Space;

    /// <summary>What <c>.</c> matches: any BMP character but a line terminator.</summary>
    public static CodePointSet Dot { get; } = Bmp.Subtract(CodePointSet.Of("\n\r\u2028\u2029"));

    /// <summary>Everything outside <paramref name="broad"/>, within the BMP.</summary>
    public static CodePointSet Negate(CodePointSet broad) => Bmp.Subtract(broad);

    private static (CodePointSet, CodePointSet, CodePointSet) BuildBroad()
    {
        var digit = new List<(int, int)>();
        var word = new List<(int, int)>();
        var space = new List<(int, int)> { ('\t', '\r'), (' ', ' '), (0x85, 0x85), (0xFEFF, 0xFEFF) };
        for (var cp = 0; cp <= 0xFFFF; cp++)
        {
            if (cp is >= 0xD800 and <= 0xDFFF)
            {
                continue;
            }
            switch (CharUnicodeInfo.GetUnicodeCategory(cp))
            {
                case UnicodeCategory.DecimalDigitNumber:
                    digit.Add((cp, cp));
                    word.Add((cp, cp));
                    break;
                case UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                    or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter or UnicodeCategory.NonSpacingMark
                    or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark or UnicodeCategory.ConnectorPunctuation:
                    word.Add((cp, cp));
                    break;
                case UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator:
                    space.Add((cp, cp));
                    break;
            }
        }
        word.Add(('0', '9'));
        return (CodePointSet.FromRanges(digit), CodePointSet.FromRanges(word), CodePointSet.FromRanges(space));
    }
}
