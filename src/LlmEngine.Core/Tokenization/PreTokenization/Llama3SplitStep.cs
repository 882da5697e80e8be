using LlmEngine.Tokenization.Unicode;

namespace LlmEngine.Tokenization.PreTokenization;

/// <summary>
/// Llama 3's expression
/// <c>(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+</c>
/// written out by hand over code points, as llama.cpp's <c>unicode_regex_split_custom_llama3</c>.
/// </summary>
internal sealed class Llama3SplitStep : ISplitStep
{
    /// <summary>The expression this step implements (llama.cpp's adapted spelling).</summary>
    public const string Pattern =
        "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

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
                    int next = Codepoints.ToLower(cursor.Get(pos + 1));
                    if (next is 's' or 't' or 'm' or 'd')
                    {
                        pos += cursor.AddToken(pos + 2);
                        continue;
                    }
                    if (pos + 2 < cursor.End)
                    {
                        int nextNext = Codepoints.ToLower(cursor.Get(pos + 2));
                        if ((next == 'r' && nextNext == 'e') || (next == 'v' && nextNext == 'e') || (next == 'l' && nextNext == 'l'))
                        {
                            pos += cursor.AddToken(pos + 3);
                            continue;
                        }
                    }
                }

                if (!(cpt == '\r' || cpt == '\n' || cursor.IsNumber(pos)) && (cursor.IsLetter(pos) || cursor.IsLetter(pos + 1)))
                {
                    pos++;
                    while (cursor.IsLetter(pos))
                    {
                        pos++;
                    }
                    cursor.AddToken(pos);
                    continue;
                }

                if (cursor.IsNumber(pos))
                {
                    int first = pos;
                    while (cursor.IsNumber(pos))
                    {
                        if (++pos - first >= 3)
                        {
                            cursor.AddToken(pos);
                            first = pos;
                        }
                    }
                    cursor.AddToken(pos);
                    continue;
                }

                int probe = cpt == ' ' ? pos + 1 : pos;
                // llama.cpp tests the class at the probe but requires the current position to be inside the segment.
                if (cursor.IsOther(probe) || (cursor.InRange(pos) && probe != pos && IsOtherOrOutside(cursor, probe)))
                {
                    pos = probe;
                    while (cursor.IsOther(pos))
                    {
                        pos++;
                    }
                    while (cursor.Get(pos) is '\r' or '\n')
                    {
                        pos++;
                    }
                    cursor.AddToken(pos);
                    continue;
                }

                int spaces = 0;
                int lastLineEnd = 0;
                while (cursor.IsWhitespace(pos + spaces))
                {
                    if (cursor.Get(pos + spaces) is '\r' or '\n')
                    {
                        lastLineEnd = pos + spaces + 1;
                    }
                    spaces++;
                }
                if (lastLineEnd > 0)
                {
                    pos = lastLineEnd;
                    cursor.AddToken(pos);
                    continue;
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

    // A position past the segment has no class at all, so "not whitespace, letter or number" holds for it.
    private static bool IsOtherOrOutside(SegmentCursor cursor, int pos) => !cursor.InRange(pos);
}
