namespace LlmEngine.Tokenization;

/// <summary>
/// Byte-pair merges keyed by the ids of their two halves: rank (lower merges first) and the id of the merged symbol.
/// Halves or results that are not vocabulary tokens get ids past the vocabulary so that merges chain exactly as they
/// do over strings in llama.cpp.
/// </summary>
internal sealed class BpeMergeTable
{
    private readonly Vocabulary _vocabulary;
    private readonly Dictionary<string, int> _extraIds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _extraSpanIds;
    private readonly Dictionary<long, Merge> _merges;

    /// <summary>Builds the table from merges in rank order (the first occurrence of a pair wins).</summary>
    public BpeMergeTable(Vocabulary vocabulary, IReadOnlyList<(string Left, string Right)> merges)
    {
        _vocabulary = vocabulary;
        _extraSpanIds = _extraIds.GetAlternateLookup<ReadOnlySpan<char>>();
        _merges = new Dictionary<long, Merge>(merges.Count);
        for (int rank = 0; rank < merges.Count; rank++)
        {
            var (left, right) = merges[rank];
            int leftId = GetOrAddId(left);
            int rightId = GetOrAddId(right);
            _merges.TryAdd(Key(leftId, rightId), new Merge(rank, GetOrAddId(string.Concat(left, right))));
        }
    }

    /// <summary>Number of merges.</summary>
    public int Count => _merges.Count;

    /// <summary>The symbol id of <paramref name="text"/>: its token id, an id past the vocabulary, or -1.</summary>
    public int GetSymbolId(ReadOnlySpan<char> text)
    {
        int id = _vocabulary.Find(text);
        if (id >= 0)
        {
            return id;
        }
        return _extraSpanIds.TryGetValue(text, out id) ? id : -1;
    }

    /// <summary>The merge of <paramref name="left"/> and <paramref name="right"/>, if there is one.</summary>
    public bool TryGetMerge(int left, int right, out Merge merge)
    {
        if (left < 0 || right < 0)
        {
            merge = default;
            return false;
        }
        return _merges.TryGetValue(Key(left, right), out merge);
    }

    private int GetOrAddId(string text)
    {
        int id = _vocabulary.Find(text);
        if (id >= 0)
        {
            return id;
        }
        if (!_extraIds.TryGetValue(text, out id))
        {
            id = _vocabulary.Count + _extraIds.Count;
            _extraIds.Add(text, id);
        }
        return id;
    }

    private static long Key(int left, int right) => ((long)left << 32) | (uint)right;

    /// <summary>A merge: its rank and the symbol id of the result.</summary>
    /// <param name="Rank">Position in the merge list.</param>
    /// <param name="MergedId">Symbol id of the concatenation.</param>
    internal readonly record struct Merge(int Rank, int MergedId);
}
