namespace LlmEngine.Tokenization.PreTokenization;

/// <summary>
/// llama.cpp's <c>unicode_regex_split</c>: the text starts as one segment and each expression in turn re-splits every
/// segment; the final segments are the words. A step may remove a stretch by reporting it with a negative length.
/// </summary>
internal sealed class SplitStepPreTokenizer : IPreTokenizer
{
    private readonly ISplitStep[] _steps;

    /// <summary>Runs <paramref name="steps"/> in order.</summary>
    public SplitStepPreTokenizer(IReadOnlyList<ISplitStep> steps)
    {
        _steps = [.. steps];
    }

    /// <summary>Builds the steps for llama.cpp expressions, using the hand-written splitters where llama.cpp does.</summary>
    public static SplitStepPreTokenizer FromPatterns(IEnumerable<string> patterns)
    {
        var steps = new List<ISplitStep>();
        foreach (string pattern in patterns)
        {
            steps.Add(pattern switch
            {
                Gpt2SplitStep.Pattern => new Gpt2SplitStep(),
                Llama3SplitStep.Pattern => new Llama3SplitStep(),
                _ => new RegexSplitStep(pattern),
            });
        }
        return new SplitStepPreTokenizer(steps);
    }

    /// <inheritdoc />
    public void Split(ReadOnlySpan<char> text, List<TextRange> words)
    {
        if (text.IsEmpty)
        {
            return;
        }
        var cps = new CodepointText(text);
        var segments = new List<int>(1) { cps.Codepoints.Length };
        foreach (var step in _steps)
        {
            segments = step.Split(cps, segments);
        }
        int cp = 0;
        foreach (int segment in segments)
        {
            int length = Math.Abs(segment);
            if (segment < 0)
            {
                cp += length;
                continue;
            }
            int start = cps.CharOffsets[cp];
            int end = cps.CharOffsets[cp + length];
            words.Add(new TextRange(start, end - start));
            cp += length;
        }
    }
}
