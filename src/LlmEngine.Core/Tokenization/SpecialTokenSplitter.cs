using System.Text;

namespace LlmEngine.Tokenization;

/// <summary>
/// Splits special-token texts out of the input before the model's tokenizer sees it, exactly as llama.cpp's
/// <c>tokenizer_st_partition</c>: special tokens are tried longest first, each over every remaining text fragment;
/// control and unknown tokens only when special tokens are parsed, user-defined tokens always; a token's
/// left/right-strip attribute removes ASCII whitespace beside it.
/// </summary>
internal sealed class SpecialTokenSplitter
{
    private readonly Vocabulary _vocabulary;
    private readonly int[] _specialIds;

    /// <summary>Collects the special tokens (control, user-defined, unknown) of <paramref name="vocabulary"/>, longest first.</summary>
    public SpecialTokenSplitter(Vocabulary vocabulary)
    {
        _vocabulary = vocabulary;
        var ids = new List<int>();
        for (int id = 0; id < vocabulary.Count; id++)
        {
            if (vocabulary.Has(id, TokenAttributes.Control | TokenAttributes.UserDefined | TokenAttributes.Unknown))
            {
                ids.Add(id);
            }
        }
        var byteLengths = new Dictionary<int, int>(ids.Count);
        foreach (int id in ids)
        {
            byteLengths[id] = Encoding.UTF8.GetByteCount(vocabulary.Tokens[id]);
        }
        ids.Sort((a, b) => byteLengths[a] != byteLengths[b] ? byteLengths[b].CompareTo(byteLengths[a]) : a.CompareTo(b));
        _specialIds = [.. ids];
    }

    /// <summary>Splits <paramref name="text"/> into fragments.</summary>
    public List<TextFragment> Split(string text, bool parseSpecialTokens)
    {
        var fragments = new List<TextFragment>();
        if (text.Length == 0)
        {
            return fragments;
        }
        fragments.Add(TextFragment.Text(0, text.Length));
        var next = new List<TextFragment>();
        foreach (int id in _specialIds)
        {
            var attributes = _vocabulary.Attributes[id];
            if (!parseSpecialTokens && (attributes & (TokenAttributes.Control | TokenAttributes.Unknown)) != 0)
            {
                continue;
            }
            string token = _vocabulary.Tokens[id];
            bool found = false;
            next.Clear();
            foreach (var fragment in fragments)
            {
                int match = fragment.IsToken ? -1 : IndexOf(text, token, fragment.Start, fragment.Length);
                if (match < 0)
                {
                    next.Add(fragment);
                    continue;
                }
                found = true;
                SplitFragment(text, token, id, attributes, fragment, match, next);
            }
            if (found)
            {
                // Rebuilding the list once per token keeps many occurrences linear rather than insert-in-the-middle quadratic.
                (fragments, next) = (next, fragments);
            }
        }
        return fragments;
    }

    private static void SplitFragment(
        string text, string token, int id, TokenAttributes attributes, TextFragment fragment, int match, List<TextFragment> pieces)
    {
        int baseStart = fragment.Start, baseLength = fragment.Length;
        while (match >= 0)
        {
            if (match > baseStart)
            {
                int leftLength = match - baseStart;
                if ((attributes & TokenAttributes.LeftStrip) != 0)
                {
                    while (leftLength > 0 && IsAsciiSpace(text[baseStart + leftLength - 1]))
                    {
                        leftLength--;
                    }
                }
                if (leftLength > 0)
                {
                    pieces.Add(TextFragment.Text(baseStart, leftLength));
                }
            }
            pieces.Add(TextFragment.Token(id));
            int rightStart = match + token.Length;
            int rightLength = baseStart + baseLength - rightStart;
            if ((attributes & TokenAttributes.RightStrip) != 0)
            {
                while (rightLength > 0 && IsAsciiSpace(text[rightStart]))
                {
                    rightStart++;
                    rightLength--;
                }
            }
            baseStart = rightStart;
            baseLength = Math.Max(rightLength, 0);
            match = baseLength > 0 ? IndexOf(text, token, baseStart, baseLength) : -1;
        }
        if (baseLength > 0)
        {
            pieces.Add(TextFragment.Text(baseStart, baseLength));
        }
    }

    private static int IndexOf(string text, string token, int start, int length)
    {
        int i = text.AsSpan(start, length).IndexOf(token.AsSpan(), StringComparison.Ordinal);
        return i < 0 ? -1 : start + i;
    }

    // C's isspace in the "C" locale, which llama.cpp applies byte by byte.
    private static bool IsAsciiSpace(char c) => c is ' ' or '\t' or '\n' or '\v' or '\f' or '\r';
}
