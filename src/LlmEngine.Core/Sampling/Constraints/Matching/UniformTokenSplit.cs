using LlmEngine.Sampling.Constraints.Grammars;

namespace LlmEngine.Sampling.Constraints.Matching;

/// <summary>
/// The vocabulary split for automaton states with a long uniform run (inside a string, in free text: see
/// <see cref="GrammarAutomaton.UniformRunLocked"/>): <see cref="Mask"/> holds every token of at most
/// <see cref="MaxBulkLength"/> bytes that stay on the run's bytes, which are all allowed in any state whose run is
/// at least that long; <see cref="Rest"/> is the trie of the other tokens, the only ones a mask walk still has to
/// visit. For a JSON string that is a small share of a byte-level vocabulary, so the first visit of such a state
/// costs a copy and a short walk instead of a walk through the whole trie. Built once per vocabulary and run
/// signature (bytes, all characters), immutable.
/// </summary>
internal sealed class UniformTokenSplit
{
    /// <summary>The longest token put in <see cref="Mask"/>; states with a shorter run walk the whole trie.</summary>
    public const int MaxBulkLength = 16;

    /// <summary>
    /// Above this share of the vocabulary in <see cref="Rest"/>, the split is not built: the walk would save little
    /// and the trie would cost memory.
    /// </summary>
    private const double MaxRestShare = 0.5;

    private UniformTokenSplit(ulong[] mask, VocabularyTrie? rest)
    {
        Mask = mask;
        Rest = rest;
    }

    /// <summary>Tokens of at most <see cref="MaxBulkLength"/> bytes whose every byte stays on the run.</summary>
    public ulong[] Mask { get; }

    /// <summary>The trie of the remaining tokens; null when too many remain for the split to pay.</summary>
    public VocabularyTrie? Rest { get; }

    public static UniformTokenSplit Create(TokenVocabulary vocabulary, ByteSet runBytes, bool allChars)
    {
        var mask = new ulong[(vocabulary.Size + 63) / 64];
        var eligible = 0;
        var rest = 0;
        for (var id = 0; id < vocabulary.Size; id++)
        {
            var bytes = vocabulary.GetBytes(id);
            if (bytes.IsEmpty)
            {
                continue;
            }
            eligible++;
            if (bytes.Length <= MaxBulkLength && StaysOnRun(bytes, runBytes, allChars))
            {
                mask[id >> 6] |= 1UL << (id & 63);
            }
            else
            {
                rest++;
            }
        }
        if (rest > eligible * MaxRestShare)
        {
            return new UniformTokenSplit(mask, null);
        }
        return new UniformTokenSplit(mask, VocabularyTrie.Build(vocabulary, id => (mask[id >> 6] >> (id & 63) & 1) == 0));
    }

    // Run bytes, and with allChars well-formed multi-byte characters (possibly cut short by the token's end, which
    // leaves the automaton in a live state inside the character).
    private static bool StaysOnRun(ReadOnlySpan<byte> bytes, ByteSet runBytes, bool allChars)
    {
        var i = 0;
        while (i < bytes.Length)
        {
            var b = bytes[i];
            if (runBytes.Contains(b))
            {
                i++;
                continue;
            }
            if (!allChars)
            {
                return false;
            }
            // An ASCII byte outside the run, or one that cannot start a character, leaves the run.
            var (continuations, lo, hi) = Utf8Lead.Describe(b);
            if (continuations <= 0)
            {
                return false;
            }
            for (var k = 1; k <= continuations; k++)
            {
                if (i + k == bytes.Length)
                {
                    return true;
                }
                var c = bytes[i + k];
                if (c < (k == 1 ? lo : 0x80) || c > (k == 1 ? hi : 0xBF))
                {
                    return false;
                }
            }
            i += continuations + 1;
        }
        return true;
    }
}
