namespace LlmEngine.Sampling.Constraints.Matching;

/// <summary>
/// The byte trie of a vocabulary's grammar-eligible tokens (non-empty, not special), flattened in preorder: node
/// <c>i</c> has its edge byte, its depth (bytes from the root), the index just past its subtree (so a dead prefix
/// skips the whole subtree in one step) and the tokens whose bytes end exactly there. Each inner node also knows
/// the bytes below it and its height, so a walk can accept a whole subtree at once when every path through it is
/// known to stay alive (see <see cref="VocabularyMatcher"/>).
/// </summary>
internal sealed class VocabularyTrie
{
    private VocabularyTrie(byte[] label, int[] depth, int[] subtreeEnd, int[] tokenStart, int[] tokens, int maxDepth, int[] parent)
    {
        (SubtreeSet, SubtreeSets, Height) = Summaries(label, parent);
        Utf8Clean = WellFormedBelow(label, parent);
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

    /// <summary>Per node, an index into <see cref="SubtreeSets"/>: the bytes on the edges below it (-1 for a leaf).</summary>
    public int[] SubtreeSet { get; }

    /// <summary>The distinct byte sets of <see cref="SubtreeSet"/>.</summary>
    public Grammars.ByteSet[] SubtreeSets { get; }

    /// <summary>
    /// Per node: its path ends on a character boundary and every path below it continues as well-formed UTF-8
    /// (possibly stopping inside a character).
    /// </summary>
    public bool[] Utf8Clean { get; }

    /// <summary>Per node, the length of the longest path below it (capped at 255).</summary>
    public byte[] Height { get; }

    public int NodeCount => Label.Length;

    /// <summary>The trie of the vocabulary's grammar-eligible tokens, or of those <paramref name="include"/> keeps.</summary>
    public static VocabularyTrie Build(TokenVocabulary vocabulary, Func<int, bool>? include = null)
    {
        var ids = new List<int>(vocabulary.Size);
        for (var id = 0; id < vocabulary.Size; id++)
        {
            if (!vocabulary.GetBytes(id).IsEmpty && (include is null || include(id)))
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
        var parent = new List<int>();
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
                parent.Add(path.Count > 0 ? path[^1] : -1);
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
        return new VocabularyTrie([.. label], [.. depth], [.. subtreeEnd], [.. tokenStart], [.. tokens], maxDepth, [.. parent]);
    }

    private static bool[] WellFormedBelow(byte[] label, int[] parent)
    {
        var count = label.Length;
        // Decoder state after each node: bytes still expected in the character and the range of the next one;
        // -1 marks a byte that is not well-formed where it stands.
        var pending = new sbyte[count];
        var lo = new byte[count];
        var hi = new byte[count];
        for (var i = 0; i < count; i++)
        {
            var p = parent[i];
            int need = p < 0 ? 0 : pending[p], min = p < 0 ? 0 : lo[p], max = p < 0 ? 0 : hi[p];
            var b = label[i];
            (int Pending, int Lo, int Hi) next = need switch
            {
                < 0 => (-1, 0, 0),
                > 0 => b >= min && b <= max ? (need - 1, 0x80, 0xBF) : (-1, 0, 0),
                _ => Utf8Lead.Describe(b),
            };
            (pending[i], lo[i], hi[i]) = ((sbyte)next.Pending, (byte)next.Lo, (byte)next.Hi);
        }
        var cleanBelow = new bool[count];
        Array.Fill(cleanBelow, true);
        for (var i = count - 1; i >= 0; i--)
        {
            var p = parent[i];
            if (p >= 0 && (pending[i] < 0 || !cleanBelow[i]))
            {
                cleanBelow[p] = false;
            }
        }
        var clean = new bool[count];
        for (var i = 0; i < count; i++)
        {
            clean[i] = pending[i] == 0 && cleanBelow[i];
        }
        return clean;
    }

    private static (int[] SetIndex, Grammars.ByteSet[] Sets, byte[] Height) Summaries(byte[] label, int[] parent)
    {
        var count = label.Length;
        var below = new Grammars.ByteSet[count];
        var height = new byte[count];
        var hasChildren = new bool[count];
        // Preorder puts children after parents, so a reverse scan has each subtree complete before its parent.
        for (var i = count - 1; i >= 0; i--)
        {
            var p = parent[i];
            if (p >= 0)
            {
                hasChildren[p] = true;
                below[p] = below[p].Union(below[i]).Union(Grammars.ByteSet.Single(label[i]));
                height[p] = (byte)Math.Max(height[p], Math.Min(255, height[i] + 1));
            }
        }
        var index = new int[count];
        var ids = new Dictionary<Grammars.ByteSet, int>();
        var sets = new List<Grammars.ByteSet>();
        for (var i = 0; i < count; i++)
        {
            if (!hasChildren[i])
            {
                index[i] = -1;
                continue;
            }
            if (!ids.TryGetValue(below[i], out var id))
            {
                id = sets.Count;
                sets.Add(below[i]);
                ids[below[i]] = id;
            }
            index[i] = id;
        }
        return (index, [.. sets], height);
    }
}
