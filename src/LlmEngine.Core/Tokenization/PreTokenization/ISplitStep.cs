namespace LlmEngine.Tokenization.PreTokenization;

/// <summary>
/// One regular expression of llama.cpp's pre-tokenizer list: re-splits every current segment of the code points into
/// matches and the unmatched stretches between them (nothing is dropped).
/// </summary>
internal interface ISplitStep
{
    /// <summary>
    /// Splits each segment (lengths in code points, in order) and returns the new segment lengths; a negative length is
    /// a removed stretch, passed through unchanged.
    /// </summary>
    List<int> Split(CodepointText text, List<int> segments);
}
