namespace LlmEngine.Tokenization;

/// <summary>
/// The algorithm that turns one text fragment (the text between special tokens) into token ids:
/// SentencePiece BPE, byte-pair encoding with a pre-tokenizer, or WordPiece.
/// </summary>
internal interface ITokenizationModel
{
    /// <summary>
    /// Appends the ids of <paramref name="text"/> to <paramref name="output"/>. <paramref name="afterSpecialToken"/> is
    /// true for the first fragment and for fragments that follow a special token; <paramref name="atInputStart"/> is true
    /// only for a fragment that starts the whole input.
    /// </summary>
    void Encode(ReadOnlySpan<char> text, bool afterSpecialToken, bool atInputStart, List<int> output);
}
