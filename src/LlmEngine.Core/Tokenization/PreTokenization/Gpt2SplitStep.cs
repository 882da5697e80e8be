using LlmEngine.Tokenization.Unicode;

namespace LlmEngine.Tokenization.PreTokenization;

/// <summary>
/// GPT-2's expression <c>'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+</c> written out by
/// hand over code points, as llama.cpp's <c>unicode_regex_split_custom_gpt2</c>.
/// </summary>
internal sealed class Gpt2SplitStep : ISplitStep
{
    /// <summary>The expression this step implements (llama.cpp's spelling).</summary>
    public const string Pattern = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)";

    /// <inheritdoc />
    public List<int> Split(CodepointText text, List<int> segments)
    {
        var cps = text.Codepoints;
        var result = new List<int>(segments.Count * 4);
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
            var cursor = new SegmentCursor(cps, start, start + length, result);
            int pos = start;
            while (pos < cursor.End)
            {
                int cpt = cursor.Get(pos);
                if (cpt == '\'' && pos + 1 < cursor.End)
                {
                    int next = cursor.Get(pos + 1);
                    if (next is 's' or 't' or 'm' or 'd')
                    {
                        pos += cursor.AddToken(pos + 2);
                        continue;
                    }
                    if (pos + 2 < cursor.End)
                    {
                        int nextNext = cursor.Get(pos + 2);
                        if ((next == 'r' && nextNext == 'e') || (next == 'v' && nextNext == 'e') || (next == 'l' && nextNext == 'l'))
                        {
                            pos += cursor.AddToken(pos + 3);
                            continue;
                        }
                    }
                }

                int probe = cpt == ' ' ? pos + 1 : pos;
                if (cursor.IsLetter(probe))
                {
                    pos = probe;
                    while (cursor.IsLetter(pos))
                    {
                        pos++;
                    }
                    cursor.AddToken(pos);
                    continue;
                }
                if (cursor.IsNumber(probe))
                {
                    pos = probe;
                    while (cursor.IsNumber(pos))
                    {
                        pos++;
                    }
                    cursor.AddToken(pos);
                    continue;
                }
                if (cursor.IsOther(probe))
                {
                    pos = probe;
                    while (cursor.IsOther(pos))
                    {
                        pos++;
                    }
                    cursor.AddToken(pos);
                    continue;
                }

                int spaces = 0;
                while (cursor.IsWhitespace(pos + spaces))
                {
                    spaces++;
                }
                if (spaces > 1 && cursor.Get(pos + spaces) != Codepoints.OutOfRange)
                {
                    pos += spaces - 1;
                    cursor.AddToken(pos);
                    continue;
                }
                if (spaces > 0)
                {
                    pos += spaces;
                    cursor.AddToken(pos);
                    continue;
                }
                cursor.AddToken(++pos);
            }
            start += length;
        }
        return result;
    }
}
