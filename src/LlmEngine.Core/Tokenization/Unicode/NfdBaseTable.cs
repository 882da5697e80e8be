namespace LlmEngine.Tokenization.Unicode;

/// <summary>
/// Maps a code point to the first code point of its canonical decomposition (é becomes e), the one-in-one-out
/// "NFD" that llama.cpp's WordPiece pre-processing applies before dropping accents.
/// </summary>
internal static partial class NfdBaseTable
{
    /// <summary>The base code point of <paramref name="codepoint"/>, or the code point itself when it does not decompose.</summary>
    public static int GetBase(int codepoint)
    {
        var ranges = Ranges;
        int lo = 0, hi = ranges.Length / 3 - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            uint first = ranges[mid * 3], last = ranges[mid * 3 + 1];
            if ((uint)codepoint < first)
            {
                hi = mid - 1;
            }
            else if ((uint)codepoint > last)
            {
                lo = mid + 1;
            }
            else
            {
                return (int)ranges[mid * 3 + 2];
            }
        }
        return codepoint;
    }
}
