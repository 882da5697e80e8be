using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace LlmEngine.Tokenization.PreTokenization;

/// <summary>
/// A pre-tokenizer expression run by .NET's regex engine over the collapsed or wide view of the text (see
/// <see cref="RegexTranslator"/>); matches and the stretches between them both become segments, as llama.cpp's
/// <c>unicode_regex_split_stl</c>.
/// </summary>
internal sealed class RegexSplitStep : ISplitStep
{
    private static readonly ConcurrentDictionary<string, Regex> s_cache = new(StringComparer.Ordinal);

    private readonly Regex _regex;
    private readonly bool _collapsed;
    private readonly (int First, int Last)[] _supplementary;
    private readonly Func<int, char> _mapSupplementary;

    /// <summary>Compiles <paramref name="pattern"/> (llama.cpp's syntax) for the view it needs.</summary>
    public RegexSplitStep(string pattern)
    {
        _collapsed = RegexTranslator.UsesCategories(pattern);
        var ranges = new List<(int, int)>();
        string translated = _collapsed ? RegexTranslator.ToCollapsed(pattern) : RegexTranslator.ToWide(pattern, ranges);
        _supplementary = [.. ranges];
        _mapSupplementary = MapSupplementary;
        _regex = s_cache.GetOrAdd(translated, static p => new Regex(p, RegexOptions.CultureInvariant | RegexOptions.Compiled));
    }

    /// <inheritdoc />
    public List<int> Split(CodepointText text, List<int> segments)
    {
        string view = _collapsed ? text.Collapsed : text.Wide(_mapSupplementary);
        var result = new List<int>(segments.Count * 2);
        int start = 0;
        foreach (int length in segments)
        {
            int last = 0;
            foreach (var match in _regex.EnumerateMatches(view.AsSpan(start, length)))
            {
                if (match.Length == 0)
                {
                    continue;
                }
                if (match.Index > last)
                {
                    result.Add(match.Index - last);
                }
                result.Add(match.Length);
                last = match.Index + match.Length;
            }
            if (last < length)
            {
                result.Add(length - last);
            }
            start += length;
        }
        return result;
    }

    private char MapSupplementary(int codepoint)
    {
        foreach (var (first, last) in _supplementary)
        {
            if (codepoint >= first && codepoint <= last)
            {
                return RegexTranslator.NamedSupplementary;
            }
        }
        return RegexTranslator.OtherSupplementary;
    }
}
