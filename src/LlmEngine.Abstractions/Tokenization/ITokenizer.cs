namespace LlmEngine.Tokenization;

/// <summary>
/// A model's tokenizer: text to token ids and back, exactly as the reference tokenizer of the model does it.
/// Implementations are immutable and safe to use from many threads.
/// </summary>
public interface ITokenizer
{
    /// <summary>Number of tokens in the vocabulary.</summary>
    int VocabularySize { get; }

    /// <summary>The beginning-of-sequence token id, if the vocabulary has one.</summary>
    int? BosTokenId { get; }

    /// <summary>The end-of-sequence token id, if the vocabulary has one.</summary>
    int? EosTokenId { get; }

    /// <summary>The BOS token's text (for chat templates), if any.</summary>
    string? BosToken { get; }

    /// <summary>The EOS token's text (for chat templates), if any.</summary>
    string? EosToken { get; }

    /// <summary>Every token id that ends generation (EOS plus end-of-turn tokens such as <c>&lt;|eot_id|&gt;</c>).</summary>
    IReadOnlyList<int> EndOfGenerationTokenIds { get; }

    /// <summary>Whether <see cref="Encode"/> adds BOS when asked to add special tokens.</summary>
    bool AddBosToken { get; }

    /// <summary>Whether <see cref="Encode"/> adds EOS when asked to add special tokens.</summary>
    bool AddEosToken { get; }

    /// <summary>
    /// Tokenizes <paramref name="text"/>. With <paramref name="addSpecialTokens"/> BOS/EOS are added as the model's
    /// tokenizer config says; with <paramref name="parseSpecialTokens"/> special-token texts in the input (such as
    /// <c>&lt;|im_start|&gt;</c>) become their ids instead of being split as plain text.
    /// </summary>
    int[] Encode(string text, bool addSpecialTokens = true, bool parseSpecialTokens = true);

    /// <summary>Decodes ids to text (invalid UTF-8 becomes U+FFFD); special tokens are dropped when <paramref name="skipSpecialTokens"/>.</summary>
    string Decode(ReadOnlySpan<int> ids, bool skipSpecialTokens = false);

    /// <summary>
    /// The bytes token <paramref name="id"/> contributes to decoded text (byte-fallback tokens give their single byte,
    /// SentencePiece's ▁ becomes a space, byte-level BPE symbols become their bytes). Used for streaming and grammars.
    /// </summary>
    ReadOnlySpan<byte> GetTokenBytes(int id);

    /// <summary>The token's string as stored in the vocabulary (for example <c>▁the</c> or <c>Ġthe</c>).</summary>
    string GetTokenText(int id);

    /// <summary>The id of a vocabulary string, if present.</summary>
    int? GetTokenId(string token);

    /// <summary>Whether the id is a special (control) token, dropped by <c>skipSpecialTokens</c>.</summary>
    bool IsSpecialToken(int id);
}
