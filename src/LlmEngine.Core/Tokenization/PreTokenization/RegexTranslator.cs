using System.Text;

namespace LlmEngine.Tokenization.PreTokenization;

/// <summary>
/// Rewrites a pre-tokenizer regular expression so that .NET's engine, run over a one-character-per-code-point view of
/// the text, matches what llama.cpp's matches: Unicode classes become llama.cpp's collapsed representatives, <c>$</c>
/// means end of input (as in ECMAScript), and supplementary code points in character classes become a placeholder.
/// </summary>
internal static class RegexTranslator
{
    /// <summary>Stands for a supplementary code point that the expression names.</summary>
    public const char NamedSupplementary = '\uE000';

    /// <summary>Stands for any other supplementary code point.</summary>
    public const char OtherSupplementary = '\uE001';

    /// <summary>Replaces text characters that happen to equal a placeholder.</summary>
    public const char ReplacedPlaceholder = '\uE002';

    private static readonly (string Name, char Representative, string AsciiMembers)[] s_categories =
    [
        ("\\p{N}", '\u00D1', "0-9"),
        ("\\p{L}", '\u00D2', "A-Za-z"),
        ("\\p{P}", '\u00D3', "!-#%-*,-/:-;?-@\\[-\\]_\\{\\}"),
        ("\\p{M}", '\u00D4', ""),
        ("\\p{S}", '\u00D5', "\\$\\+<->^`\\|"),
        ("\\p{Lu}", '\u00D2', "A-Za-z"),
        ("\\p{Ll}", '\u00D2', "A-Za-z"),
        ("\\p{Lt}", '\u00D2', "A-Za-z"),
        ("\\p{Lm}", '\u00D2', "A-Za-z"),
        ("\\p{Lo}", '\u00D2', "A-Za-z"),
    ];

    /// <summary>Whether a text character collides with a placeholder.</summary>
    public static bool IsPlaceholder(char c) => c is NamedSupplementary or OtherSupplementary;

    /// <summary>Whether the expression uses a Unicode class and so runs over the collapsed view (llama.cpp's rule).</summary>
    public static bool UsesCategories(string pattern)
    {
        foreach (var (name, _, _) in s_categories)
        {
            if (pattern.Contains(name, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The expression for the collapsed view, as llama.cpp builds it, with <c>$</c> as end of input.</summary>
    public static string ToCollapsed(string pattern)
    {
        var sb = new StringBuilder(pattern.Length + 32);
        bool inside = false;
        for (int i = 0; i < pattern.Length; i++)
        {
            char c = pattern[i];
            bool escaped = i > 0 && pattern[i - 1] == '\\';
            if (c == '[' && !escaped)
            {
                sb.Append('[');
                inside = true;
                continue;
            }
            if (inside && c == ']' && !escaped)
            {
                sb.Append(']');
                inside = false;
                continue;
            }
            if (c == '\\' && i + 3 < pattern.Length && pattern[i + 1] == 'p' && pattern[i + 2] == '{')
            {
                int close = pattern.IndexOf('}', i + 3);
                if (close >= 0 && close <= i + 10 && TryGetCategory(pattern[i..(close + 1)], out char representative, out string ascii))
                {
                    sb.Append(inside ? "" : "[").Append(representative).Append(ascii).Append(inside ? "" : "]");
                    i = close;
                    continue;
                }
            }
            if (c == '$' && !inside && !escaped)
            {
                sb.Append("\\z");
                continue;
            }
            sb.Append(c);
        }
        return sb.ToString();
    }

    /// <summary>
    /// The expression for the wide view: supplementary code points (single or as range ends) become
    /// <see cref="NamedSupplementary"/>; the ranges they cover are returned so the text can be mapped to match.
    /// </summary>
    public static string ToWide(string pattern, List<(int First, int Last)> supplementaryRanges)
    {
        var cps = Unicode.Codepoints.Decode(pattern);
        var sb = new StringBuilder(pattern.Length + 8);
        bool inside = false;
        for (int i = 0; i < cps.Length; i++)
        {
            int c = cps[i];
            bool escaped = i > 0 && cps[i - 1] == '\\';
            if (c == '[' && !escaped)
            {
                inside = true;
            }
            else if (inside && c == ']' && !escaped)
            {
                inside = false;
            }
            if (c > 0xFFFF)
            {
                int last = c;
                if (inside && i + 2 < cps.Length && cps[i + 1] == '-' && cps[i + 2] > 0xFFFF)
                {
                    last = cps[i + 2];
                    i += 2;
                }
                supplementaryRanges.Add((c, last));
                sb.Append(NamedSupplementary);
                continue;
            }
            if (c == '$' && !inside && !escaped)
            {
                sb.Append("\\z");
                continue;
            }
            sb.Append(char.ConvertFromUtf32(c));
        }
        return sb.ToString();
    }

    private static bool TryGetCategory(string name, out char representative, out string ascii)
    {
        foreach (var (n, r, a) in s_categories)
        {
            if (n == name)
            {
                representative = r;
                ascii = a;
                return true;
            }
        }
        representative = default;
        ascii = "";
        return false;
    }
}
