using System.Collections.Concurrent;

namespace LlmEngine.Sampling.Constraints.Matching;

/// <summary>
/// Allowed-token masks of one compiled constraint over one vocabulary. A state's mask is computed once by walking
/// the vocabulary trie through the automaton (a dead prefix prunes its whole subtree) and then served from a cache,
/// because automaton states repeat across steps and requests. States with a long uniform run (inside a string)
/// start from the precomputed mask of the short tokens that stay on the run and walk only the trie of the others
/// (<see cref="UniformTokenSplit"/>). Thread-safe: cached masks are read without a lock.
/// </summary>
internal sealed class VocabularyMatcher
{
    /// <summary>Cached masks kept per matcher before the cache is cleared (about 19 KiB each at 152k tokens).</summary>
    public const int MaxCachedMasks = 4096;

    private readonly ConcurrentDictionary<int, ulong[]> _masks = new();
    private readonly int[] _stateAtDepth;
    private readonly int[][] _rowAtDepth;

    public VocabularyMatcher(GrammarAutomaton automaton, TokenVocabulary vocabulary)
    {
        Automaton = automaton;
        Vocabulary = vocabulary;
        WordCount = (vocabulary.Size + 63) / 64;
        _stateAtDepth = new int[vocabulary.Trie.MaxDepth + 1];
        _rowAtDepth = new int[vocabulary.Trie.MaxDepth + 1][];
    }

    public GrammarAutomaton Automaton { get; }

    public TokenVocabulary Vocabulary { get; }

    /// <summary>Number of 64-bit words in a mask.</summary>
    public int WordCount { get; }

    /// <summary>The allowed tokens in <paramref name="state"/> (a shared array: never modify it).</summary>
    public ulong[] GetMask(int state)
    {
        if (_masks.TryGetValue(state, out var mask))
        {
            return mask;
        }
        mask = ComputeMask(state);
        if (_masks.Count >= MaxCachedMasks)
        {
            _masks.Clear();
        }
        _masks.TryAdd(state, mask);
        return mask;
    }

    private static readonly Grammars.ByteSet NonAscii = Grammars.ByteSet.Range(0x80, 0xFF);

    /// <summary>Drops every cached mask (for measuring first visits).</summary>
    public void ClearCache() => _masks.Clear();

    private ulong[] ComputeMask(int state)
    {
        var mask = new ulong[WordCount];
        lock (Automaton.SyncRoot)
        {
            var trie = Vocabulary.Trie;
            if (Automaton.UniformRunLocked(state, out var runBytes, out var allChars) >= UniformTokenSplit.MaxBulkLength
                && Vocabulary.GetUniformSplit(runBytes, allChars) is { Rest: { } rest } split)
            {
                // Every short token that stays on the run is allowed; only the others need the walk.
                split.Mask.AsSpan().CopyTo(mask);
                trie = rest;
            }
            Walk(trie, state, mask);
        }
        if (Automaton.IsAccepting(state))
        {
            foreach (var t in Vocabulary.EndTokenIds)
            {
                mask[t >> 6] |= 1UL << (t & 63);
            }
        }
        return mask;
    }

    // Sets the bits of the trie's tokens that are alive from `state`; the caller holds the automaton's lock.
    private void Walk(VocabularyTrie trie, int state, ulong[] mask)
    {
        var label = trie.Label;
        var depth = trie.Depth;
        var subtreeEnd = trie.SubtreeEnd;
        var tokenStart = trie.TokenStart;
        var tokens = trie.Tokens;
        var nodeCount = label.Length;
        var subtreeSet = trie.SubtreeSet;
        var sets = trie.SubtreeSets;
        var height = trie.Height;
        var utf8Clean = trie.Utf8Clean;
        // Per depth: the automaton state there and its transition row, so a node costs one array read.
        var stateAt = _stateAtDepth;
        var rowAt = _rowAtDepth;
        stateAt[0] = state;
        rowAt[0] = Automaton.TransitionRowLocked(state);
        var i = 0;
        while (i < nodeCount)
        {
            var d = depth[i];
            var next = rowAt[d - 1][label[i]];
            if (next == GrammarAutomaton.Unknown)
            {
                next = Automaton.NextLocked(stateAt[d - 1], label[i]);
            }
            if (next < 0)
            {
                i = subtreeEnd[i];
                continue;
            }
            for (var k = tokenStart[i]; k < tokenStart[i + 1]; k++)
            {
                var t = tokens[k];
                mask[t >> 6] |= 1UL << (t & 63);
            }
            if (subtreeEnd[i] != i + 1)
            {
                // Every path below stays alive when it is no longer than the uniform run of `next` and its bytes
                // are uniform bytes, or, where every character is uniform, well-formed UTF-8 over them.
                if (Automaton.UniformRunLocked(next, out var uniform, out var allChars) >= height[i]
                    && (sets[subtreeSet[i]].IsSubsetOf(uniform) || (allChars && utf8Clean[i] && sets[subtreeSet[i]].IsSubsetOf(uniform.Union(NonAscii)))))
                {
                    for (var k = tokenStart[i + 1]; k < tokenStart[subtreeEnd[i]]; k++)
                    {
                        var t = tokens[k];
                        mask[t >> 6] |= 1UL << (t & 63);
                    }
                    i = subtreeEnd[i];
                    continue;
                }
                stateAt[d] = next;
                rowAt[d] = Automaton.TransitionRowLocked(next);
            }
            i++;
        }
    }
}
