namespace LlmEngine.Sampling.Constraints.Matching;

/// <summary>
/// The byte trie of a vocabulary's grammar-eligible tokens (non-empty, not special), flattened in preorder: node
/// <c>i</c> has its edge byte, its depth (bytes from the root), the index just past its subtree (so a dead prefix
/// skips the whole subtree in one step) and the tokens whose bytes end exactly there.
/// </summary>
internal sealed class VocabularyTrie
{
    private VocabularyTrie(byte[] label, int[] depth, int[] subtreeEnd, int[] tokenStart, int[] tokens, int maxDepth)
    {
        Label = label;
        Depth = depth;
        SubtreeEnd = subtreeEnd;
        TokenStart = tokenStart;
        Tokens = tokens;
        MaxDepth = maxDepth;
    }

    public byte[] Label { get; }

    public int[] Depth { get; }

    public int[] SubtreeEnd { get; }

    /// <summary>Tokens ending at node i are <c>Tokens[TokenStart[i]..TokenStart[i + 1]]</c>.</summary>
    public int[] TokenStart { get; }

    public int[] Tokens { get; }

    public int MaxDepth { get; }

    public int NodeCount => Label.Length;

    public static VocabularyTrie Build(TokenVocabulary vocabulary)
    {
        var ids = new List<int>(vocabulary.Size);
        for (var id = 0; id < vocabulary.Size; id++)
        {
            if (!vocabulary.GetBytes(id).IsEmpty)
            {
                ids.Add(id);
            }
        }
        var sorted = ids.ToArray();
        Array.Sort(sorted, (a, b) =>
        {
            var c = vocabulary.GetBytes(a).SequenceCompareTo(vocabulary.GetBytes(b));
            return c != 0 ? c : a.CompareTo(b);
        });

        var label = new List<byte>();
        var depth = new List<int>();
        var subtreeEnd = new List<int>();
        var tokenStart = new List<int>();
        var tokens = new List<int>(sorted.Length);
        var path = new List<int>();
        var maxDepth = 0;
        ReadOnlySpan<byte> previous = default;
        foreach (var id in sorted)
        {
            var bytes = vocabulary.GetBytes(id);
            var common = bytes.CommonPrefixLength(previous);
            while (path.Count > common)
            {
                subtreeEnd[path[^1]] = label.Count;
                path.RemoveAt(path.Count - 1);
            }
            for (var i = common; i < bytes.Length; i++)
            {
                path.Add(label.Count);
                label.Add(bytes[i]);
                depth.Add(i + 1);
                subtreeEnd.Add(-1);
                tokenStart.Add(tokens.Count);
            }
            tokens.Add(id);
            maxDepth = Math.Max(maxDepth, bytes.Length);
            previous = bytes;
        }
        foreach (var node in path)
        {
            subtreeEnd[node] = label.Count;
        }
        tokenStart.Add(tokens.Count);
        return new VocabularyTrie([.. label], [.. depth], [.. subtreeEnd], [.. tokenStart], [.. tokens], maxDepth);
    }
}
