using System.Text;

namespace LlmEngine.Tokenization;

/// <summary>
/// Turns a stream of token ids into text deltas using only <see cref="ITokenizer.GetTokenBytes"/>: token bytes are
/// fed to a stateful UTF-8 decoder, so a character split across tokens is held back until its last byte arrives, and
/// the concatenation of all deltas (with <see cref="Flush"/>) equals the UTF-8 decoding of all the tokens' bytes
/// (invalid bytes become U+FFFD). Not thread-safe: one instance per sequence.
/// </summary>
public sealed class IncrementalDetokenizer
{
    private readonly ITokenizer _tokenizer;
    private readonly bool _skipSpecialTokens;
    private readonly Decoder _decoder = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false).GetDecoder();
    private char[] _chars = new char[64];

    /// <summary>Creates a detokenizer; with <paramref name="skipSpecialTokens"/> special tokens add no text.</summary>
    public IncrementalDetokenizer(ITokenizer tokenizer, bool skipSpecialTokens = true)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        _tokenizer = tokenizer;
        _skipSpecialTokens = skipSpecialTokens;
    }

    /// <summary>
    /// Adds one token and returns the text it completes (possibly empty). The span is valid until the next call.
    /// </summary>
    public ReadOnlySpan<char> Append(int tokenId)
    {
        if (_skipSpecialTokens && _tokenizer.IsSpecialToken(tokenId))
        {
            return [];
        }
        var bytes = _tokenizer.GetTokenBytes(tokenId);
        return Decode(bytes, flush: false);
    }

    /// <summary>Ends the stream: bytes of an unfinished character come out as U+FFFD. The span is valid until the next call.</summary>
    public ReadOnlySpan<char> Flush() => Decode([], flush: true);

    private ReadOnlySpan<char> Decode(ReadOnlySpan<byte> bytes, bool flush)
    {
        var needed = _decoder.GetCharCount(bytes, flush: false) + 4;
        if (needed > _chars.Length)
        {
            _chars = new char[Math.Max(needed, _chars.Length * 2)];
        }
        var count = _decoder.GetChars(bytes, _chars, flush);
        return _chars.AsSpan(0, count);
    }
}
