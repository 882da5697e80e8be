using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using LlmEngine.Sampling.Constraints.Matching;
using LlmEngine.Tokenization;

namespace LlmEngine.Sampling.Constraints;

/// <summary>
/// A tokenizer's vocabulary prepared for constrained decoding: every token's bytes (from
/// <see cref="ITokenizer.GetTokenBytes"/>, byte-fallback tokens included) and a byte trie of the tokens a grammar
/// may allow, stored in preorder so a mask walk is a linear scan that skips whole pruned subtrees. The
/// end-of-generation ids are allowed only where the grammar may end. Other special tokens are seen by grammars as
/// the byte <c>0xFF</c> followed by their text: no UTF-8 text contains that byte, so a special token is allowed only
/// where a grammar asks for it by name (a tool-call marker such as Mistral's <c>[TOOL_CALLS]</c>), never as a
/// spelling of plain text. Ordinary tokens holding a <c>0xFF</c> byte are left out for the same reason: they can
/// never be part of UTF-8 text. Built once per tokenizer (<see cref="For"/>), immutable, safe to share between threads.
/// </summary>
public sealed class TokenVocabulary
{
    private static readonly ConditionalWeakTable<ITokenizer, TokenVocabulary> s_cache = [];

    /// <summary>The byte that starts a special token's bytes as grammars see them.</summary>
    internal const byte SpecialTokenPrefix = 0xFF;

    private readonly ConcurrentDictionary<(Grammars.ByteSet Bytes, bool AllChars), Lazy<UniformTokenSplit>> _uniformSplits = new();
    private readonly byte[] _bytes;
    private readonly int[] _offsets;
    private readonly bool[] _isEnd;

    /// <summary>Prepares the vocabulary of <paramref name="tokenizer"/> (prefer <see cref="For"/>, which caches it).</summary>
    public TokenVocabulary(ITokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        Size = tokenizer.VocabularySize;
        _isEnd = new bool[Size];
        var ends = new List<int>();
        foreach (var id in tokenizer.EndOfGenerationTokenIds)
        {
            AddEnd(id);
        }
        if (tokenizer.EosTokenId is { } eos)
        {
            AddEnd(eos);
        }
        EndTokenIds = ends;

        _offsets = new int[Size + 1];
        var buffer = new List<byte>(Size * 8);
        for (var id = 0; id < Size; id++)
        {
            _offsets[id] = buffer.Count;
            if (_isEnd[id])
            {
                continue;
            }
            var bytes = tokenizer.GetTokenBytes(id);
            if (tokenizer.IsSpecialToken(id))
            {
                if (!bytes.IsEmpty)
                {
                    buffer.Add(SpecialTokenPrefix);
                    buffer.AddRange(bytes);
                }
            }
            else if (!bytes.Contains(SpecialTokenPrefix))
            {
                buffer.AddRange(bytes);
            }
        }
        _offsets[Size] = buffer.Count;
        _bytes = [.. buffer];
        Trie = VocabularyTrie.Build(this);

        void AddEnd(int id)
        {
            if (id >= 0 && id < Size && !_isEnd[id])
            {
                _isEnd[id] = true;
                ends.Add(id);
            }
        }
    }

    /// <summary>The prepared vocabulary of <paramref name="tokenizer"/>, built on first use and cached.</summary>
    public static TokenVocabulary For(ITokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        return s_cache.GetValue(tokenizer, static t => new TokenVocabulary(t));
    }

    /// <summary>Number of token ids (the tokenizer's vocabulary size).</summary>
    public int Size { get; }

    /// <summary>Ids that end generation (EOS and end-of-turn tokens): allowed exactly where the grammar may end.</summary>
    public IReadOnlyList<int> EndTokenIds { get; }

    /// <summary>Number of nodes in the token byte trie.</summary>
    public int TrieNodeCount => Trie.NodeCount;

    internal VocabularyTrie Trie { get; }

    /// <summary>
    /// The bytes a grammar sees for <paramref name="id"/>: <c>0xFF</c> and the text for a special token, empty for end
    /// tokens and for ordinary tokens that can never be part of UTF-8 text.
    /// </summary>
    internal ReadOnlySpan<byte> GetBytes(int id) => _bytes.AsSpan(_offsets[id], _offsets[id + 1] - _offsets[id]);

    internal bool IsEndToken(int id) => _isEnd[id];

    /// <summary>The split of the vocabulary for states with a long run on <paramref name="runBytes"/> (built once per signature).</summary>
    internal UniformTokenSplit GetUniformSplit(Grammars.ByteSet runBytes, bool allChars) =>
        _uniformSplits.GetOrAdd((runBytes, allChars), key => new Lazy<UniformTokenSplit>(() => UniformTokenSplit.Create(this, key.Bytes, key.AllChars))).Value;
}
