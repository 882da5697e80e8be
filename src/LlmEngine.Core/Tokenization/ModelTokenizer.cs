using System.Buffers;
using System.Text;

namespace LlmEngine.Tokenization;

/// <summary>
/// The tokenizer of a model, built from GGUF metadata or a Hugging Face <c>tokenizer.json</c> by
/// <see cref="TokenizerFactory"/>: SentencePiece BPE (llama), byte-level BPE with model-specific pre-tokenizers (gpt2)
/// or WordPiece (bert), each reproducing llama.cpp's token ids. Immutable and thread-safe.
/// </summary>
/// <remarks>
/// <para>
/// Special tokens: control tokens (BOS, EOS, chat markers such as <c>&lt;|im_end|&gt;</c>) and the unknown token are
/// split out of the input only when <c>parseSpecialTokens</c> is set; user-defined tokens always are.
/// <see cref="GetTokenBytes"/> returns a special token's text and <see cref="Decode"/> drops control and unknown
/// tokens when <c>skipSpecialTokens</c> is set. SentencePiece's <c>&lt;s&gt;</c> and <c>&lt;/s&gt;</c> are control tokens.
/// </para>
/// <para>
/// Decoding: <see cref="Decode"/> is the UTF-8 decoding (invalid sequences become U+FFFD) of the concatenated
/// <see cref="GetTokenBytes"/> of the ids, with one exception: for SentencePiece tokenizers that add a space prefix,
/// one space at the very start of the decoded text is removed, as llama.cpp and Hugging Face do, so that
/// <c>Decode(Encode(s)) == s</c>. No other clean-up (such as removing spaces before punctuation) is applied.
/// </para>
/// </remarks>
public sealed class ModelTokenizer : ITokenizer
{
    private readonly TokenizerSettings _settings;
    private readonly Vocabulary _vocabulary;
    private readonly SpecialTokenSplitter _splitter;
    private readonly byte[][] _tokenBytes;

    internal ModelTokenizer(TokenizerSettings settings)
    {
        _settings = settings;
        _vocabulary = settings.Vocabulary;
        _splitter = new SpecialTokenSplitter(_vocabulary);
        _tokenBytes = TokenBytes.Build(_vocabulary, settings.PieceDecoding);
        EndOfGenerationTokenIds = settings.EndOfGenerationTokenIds;
    }

    /// <summary>The algorithm family: <c>llama</c> (SentencePiece BPE), <c>gpt2</c> (byte-level BPE), <c>bert</c> (WordPiece) or <c>hf-bpe</c>.</summary>
    public string Kind => _settings.Kind;

    /// <inheritdoc />
    public int VocabularySize => _vocabulary.Count;

    /// <inheritdoc />
    public int? BosTokenId => _settings.BosTokenId;

    /// <inheritdoc />
    public int? EosTokenId => _settings.EosTokenId;

    /// <inheritdoc />
    public string? BosToken => BosTokenId is int id ? _vocabulary.Tokens[id] : null;

    /// <inheritdoc />
    public string? EosToken => EosTokenId is int id ? _vocabulary.Tokens[id] : null;

    /// <inheritdoc />
    public IReadOnlyList<int> EndOfGenerationTokenIds { get; }

    /// <inheritdoc />
    public bool AddBosToken => _settings.AddBos;

    /// <inheritdoc />
    public bool AddEosToken => _settings.AddEos;

    /// <inheritdoc />
    public int[] Encode(string text, bool addSpecialTokens = true, bool parseSpecialTokens = true)
    {
        ArgumentNullException.ThrowIfNull(text);
        var output = new List<int>(text.Length / 3 + 4);
        if (addSpecialTokens && _settings.AddBos && _settings.BosTokenId is int bos)
        {
            output.Add(bos);
        }
        bool afterSpecial = true;
        foreach (var fragment in _splitter.Split(text, parseSpecialTokens))
        {
            if (fragment.IsToken)
            {
                output.Add(fragment.TokenId);
                afterSpecial = true;
                continue;
            }
            _settings.Model.Encode(text.AsSpan(fragment.Start, fragment.Length), afterSpecial, fragment.Start == 0, output);
            afterSpecial = false;
        }
        if (addSpecialTokens && _settings.AddSeparator && _settings.SeparatorTokenId is int sep)
        {
            output.Add(sep);
        }
        if (addSpecialTokens && _settings.AddEos && _settings.EosTokenId is int eos)
        {
            output.Add(eos);
        }
        return [.. output];
    }

    /// <inheritdoc />
    public string Decode(ReadOnlySpan<int> ids, bool skipSpecialTokens = false)
    {
        int total = 0;
        foreach (int id in ids)
        {
            CheckId(id);
            if (!(skipSpecialTokens && IsSpecialToken(id)))
            {
                total += _tokenBytes[id].Length;
            }
        }
        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Max(total, 1));
        try
        {
            int n = 0;
            foreach (int id in ids)
            {
                if (!(skipSpecialTokens && IsSpecialToken(id)))
                {
                    var bytes = _tokenBytes[id];
                    bytes.CopyTo(buffer, n);
                    n += bytes.Length;
                }
            }
            int start = _settings.RemoveLeadingSpaceOnDecode && n > 0 && buffer[0] == (byte)' ' ? 1 : 0;
            return Encoding.UTF8.GetString(buffer, start, n - start);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <inheritdoc />
    public ReadOnlySpan<byte> GetTokenBytes(int id)
    {
        CheckId(id);
        return _tokenBytes[id];
    }

    /// <inheritdoc />
    public string GetTokenText(int id)
    {
        CheckId(id);
        return _vocabulary.Tokens[id];
    }

    /// <inheritdoc />
    public int? GetTokenId(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return _vocabulary.FindOrNull(token);
    }

    /// <inheritdoc />
    public bool IsSpecialToken(int id)
    {
        CheckId(id);
        return _vocabulary.Has(id, TokenAttributes.Control | TokenAttributes.Unknown);
    }

    private void CheckId(int id)
    {
        if (!_vocabulary.Contains(id))
        {
            throw new ArgumentOutOfRangeException(nameof(id), id, $"Token id must be in [0, {_vocabulary.Count}).");
        }
    }
}
