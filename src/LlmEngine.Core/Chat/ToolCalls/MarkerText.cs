namespace LlmEngine.Chat.ToolCalls;

/// <summary>Helpers for finding markers such as <c>&lt;tool_call&gt;</c> in text that arrives in pieces.</summary>
internal static class MarkerText
{
    /// <summary>
    /// The length of the longest end of <paramref name="text"/> that is a proper prefix of <paramref name="marker"/>:
    /// the part that must be held back because the next delta may complete the marker.
    /// </summary>
    public static int PartialSuffixLength(ReadOnlySpan<char> text, string marker)
    {
        var longest = Math.Min(text.Length, marker.Length - 1);
        for (var k = longest; k > 0; k--)
        {
            if (text[^k..].SequenceEqual(marker.AsSpan(0, k)))
            {
                return k;
            }
        }
        return 0;
    }

    /// <summary>Index of the first character that is not white space, or the length when there is none.</summary>
    public static int SkipWhiteSpace(ReadOnlySpan<char> text, int start = 0)
    {
        var i = start;
        while (i < text.Length && char.IsWhiteSpace(text[i]))
        {
            i++;
        }
        return i;
    }
}
