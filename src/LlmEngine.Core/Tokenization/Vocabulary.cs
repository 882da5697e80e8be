using System.Text;

namespace LlmEngine.Tokenization;

/// <summary>
/// A tokenizer's vocabulary: token strings, SentencePiece scores and attributes by id, and a string-to-id table that
/// also answers span lookups without allocating.
/// </summary>
internal sealed class Vocabulary
{
    private readonly Dictionary<string, int> _ids;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _spanIds;

    /// <summary>Builds the lookup tables. Throws <see cref="ArgumentException"/> on a duplicate token.</summary>
    public Vocabulary(string[] tokens, float[]? scores, TokenAttributes[] attributes)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(attributes);
        if (attributes.Length != tokens.Length || (scores is not null && scores.Length < tokens.Length))
        {
            throw new ArgumentException("token, score and attribute arrays differ in length");
        }
        Tokens = tokens;
        Scores = scores ?? new float[tokens.Length];
        Attributes = attributes;
        _ids = new Dictionary<string, int>(tokens.Length, StringComparer.Ordinal);
        for (int i = 0; i < tokens.Length; i++)
        {
            if (string.IsNullOrEmpty(tokens[i]))
            {
                // llama.cpp renames empty tokens so that every id keeps a distinct, non-empty text.
                tokens[i] = $"[EMPTY_{i}]";
            }
            if (!_ids.TryAdd(tokens[i], i))
            {
                throw new ArgumentException($"duplicate token in vocabulary: '{tokens[i]}' has ids {_ids[tokens[i]]} and {i}");
            }
            MaxTokenByteLength = Math.Max(MaxTokenByteLength, Encoding.UTF8.GetByteCount(tokens[i]));
        }
        _spanIds = _ids.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Token strings by id.</summary>
    public string[] Tokens { get; }

    /// <summary>SentencePiece scores by id (zero when the format has none).</summary>
    public float[] Scores { get; }

    /// <summary>Attributes by id; loaders adjust them (for example marking end-of-turn tokens as control) before use.</summary>
    public TokenAttributes[] Attributes { get; }

    /// <summary>Number of tokens.</summary>
    public int Count => Tokens.Length;

    /// <summary>The longest token in UTF-8 bytes.</summary>
    public int MaxTokenByteLength { get; }

    /// <summary>The id of <paramref name="token"/>, or -1.</summary>
    public int Find(ReadOnlySpan<char> token) => _spanIds.TryGetValue(token, out int id) ? id : -1;

    /// <summary>The id of <paramref name="token"/>, or null.</summary>
    public int? FindOrNull(string token) => _ids.TryGetValue(token, out int id) ? id : null;

    /// <summary>Whether <paramref name="id"/> is a valid id.</summary>
    public bool Contains(int id) => (uint)id < (uint)Tokens.Length;

    /// <summary>Whether any of <paramref name="attributes"/> is set on <paramref name="id"/>.</summary>
    public bool Has(int id, TokenAttributes attributes) => (Attributes[id] & attributes) != 0;
}
