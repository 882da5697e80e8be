using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace LlmEngine.Tokenization.PreTokenization;

/// <summary>
/// A pre-tokenizer expression run by .NET's regex engine over the collapsed or wide view of the text (see
/// <see cref="RegexTranslator"/>). With <see cref="SplitBehavior.Isolated"/> (llama.cpp's <c>unicode_regex_split_stl</c>)
/// matches and the stretches between them both become segments; the other behaviors are Hugging Face's.
/// </summary>
internal sealed class RegexSplitStep : ISplitStep
{
    private static readonly ConcurrentDictionary<string, Regex> s_cache = new(StringComparer.Ordinal);

    private readonly Regex _regex;
    private readonly bool _collapsed;
    private readonly (int First, int Last)[] _supplementary;
    private readonly Func<int, char> _mapSupplementary;
    private readonly SplitBehavior _behavior;

    /// <summary>Compiles <paramref name="pattern"/> (llama.cpp's syntax) for the view it needs.</summary>
    public RegexSplitStep(string pattern, SplitBehavior behavior = SplitBehavior.Isolated)
    {
        _behavior = behavior;
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
            if (length < 0)
            {
                // A removed stretch (negative length) passes through untouched.
                result.Add(length);
                start -= length;
                continue;
            }
            // Pieces as (length, isMatch), then combined according to the behavior.
            var pieces = new List<(int Length, bool Match)>();
            int last = 0;
            foreach (var match in _regex.EnumerateMatches(view.AsSpan(start, length)))
            {
                if (match.Length == 0)
                {
                    continue;
                }
                if (match.Index > last)
                {
                    pieces.Add((match.Index - last, false));
                }
                pieces.Add((match.Length, true));
                last = match.Index + match.Length;
            }
            if (last < length)
            {
                pieces.Add((length - last, false));
            }
            Combine(pieces, result);
            start += length;
        }
        return result;
    }

    private void Combine(List<(int Length, bool Match)> pieces, List<int> result)
    {
        switch (_behavior)
        {
            case SplitBehavior.Isolated:
                foreach (var piece in pieces)
                {
                    result.Add(piece.Length);
                }
                break;
            case SplitBehavior.Removed:
                foreach (var piece in pieces)
                {
                    // A removed match still occupies its code points: it is reported as a negative (skipped) length.
                    result.Add(piece.Match ? -piece.Length : piece.Length);
                }
                break;
            case SplitBehavior.MergedWithPrevious:
                {
                    int pending = 0;
                    foreach (var piece in pieces)
                    {
                        pending += piece.Length;
                        if (piece.Match)
                        {
                            result.Add(pending);
                            pending = 0;
                        }
                    }
                    if (pending > 0)
                    {
                        result.Add(pending);
                    }
                    break;
                }
            case SplitBehavior.MergedWithNext:
                {
                    int pending = 0;
                    foreach (var piece in pieces)
                    {
                        if (piece.Match && pending > 0)
                        {
                            result.Add(pending);
                            pending = 0;
                        }
                        pending += piece.Length;
                    }
                    if (pending > 0)
                    {
                        result.Add(pending);
                    }
                    break;
                }
            default:
                {
                    int pending = 0;
                    bool pendingMatch = false;
                    foreach (var piece in pieces)
                    {
                        if (pending > 0 && !(piece.Match && pendingMatch))
                        {
                            result.Add(pending);
                            pending = 0;
                        }
                        pending += piece.Length;
                        pendingMatch = piece.Match;
                    }
                    if (pending > 0)
                    {
                        result.Add(pending);
                    }
                    break;
                }
        }
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
