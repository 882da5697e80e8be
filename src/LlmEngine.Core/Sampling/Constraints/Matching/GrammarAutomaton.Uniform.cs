using LlmEngine.Sampling.Constraints.Grammars;

namespace LlmEngine.Sampling.Constraints.Matching;

/// <summary>
/// Uniform runs: how far a state keeps taking "plain" bytes (every plain character inside a string, every digit in
/// a number) to one live successor. The vocabulary walk uses them to accept a whole trie subtree at once.
/// </summary>
internal sealed partial class GrammarAutomaton
{
    private const int MaxUniformRun = 255;

    /// <summary>
    /// The uniform bytes of <paramref name="state"/> (those leading to its most common live successor, for example
    /// every plain character inside a string) and how many levels a path may run on them: any byte string of at
    /// most that length whose bytes are all in the set stays alive. With <paramref name="allChars"/>, every well-formed
    /// non-ASCII character also leads there (through live intermediate states), so well-formed UTF-8 paths of that
    /// many bytes stay alive too. The caller holds <see cref="SyncRoot"/>.
    /// </summary>
    public int UniformRunLocked(int state, out ByteSet bytes, out bool allChars)
    {
        var st = _states[state];
        if (st.UniformRun < 0)
        {
            ComputeUniformRun(state);
        }
        bytes = st.UniformBytes;
        allChars = st.UniformAllChars;
        return st.UniformRun;
    }

    // Follows the chain of uniform successors while their uniform sets stay equal; runs are memoised per state and
    // capped (trie subtrees are at most 255 deep).
    private void ComputeUniformRun(int state)
    {
        var chain = new List<int>();
        var s = state;
        while (true)
        {
            if (_states[s].UniformTarget == Unknown)
            {
                SetUniformSuccessor(s);
            }
            var st = _states[s];
            chain.Add(s);
            var next = st.UniformTarget;
            if (next < 0 || chain.Count > MaxUniformRun)
            {
                break;
            }
            var nt = _states[next];
            if (nt.UniformTarget == Unknown)
            {
                SetUniformSuccessor(next);
            }
            if (nt.UniformRun >= 0 || !SameUniform(nt, st) || chain.Contains(next))
            {
                // The tail's run is known, differs in its set, or loops back (a self-loop runs forever).
                var tail = chain.Contains(next) ? MaxUniformRun
                    : SameUniform(nt, st) ? nt.UniformRun : 0;
                var run = Math.Min(MaxUniformRun, 1 + tail);
                for (var k = chain.Count - 1; k >= 0; k--, run = Math.Min(MaxUniformRun, run + 1))
                {
                    _states[chain[k]].UniformRun = run;
                }
                return;
            }
            s = next;
        }
        if (_states[chain[^1]].UniformTarget >= 0)
        {
            // Past the cap: only the head is known to run that far; the rest are computed when asked.
            _states[chain[0]].UniformRun = MaxUniformRun;
            return;
        }
        // The chain ends at a state with no live successor at all.
        for (int k = chain.Count - 1, length = 0; k >= 0; k--, length++)
        {
            _states[chain[k]].UniformRun = length;
        }
    }

    private static bool SameUniform(AutomatonState a, AutomatonState b) =>
        a.UniformAllChars == b.UniformAllChars && a.UniformBytes.Equals(b.UniformBytes);

    private void SetUniformSuccessor(int state)
    {
        var (target, bytes) = UniformSuccessor(state);
        var allChars = target >= 0 && AllCharactersLeadTo(state, target);
        var st = _states[state];
        st.UniformTarget = target;
        st.UniformBytes = bytes;
        st.UniformAllChars = allChars;
    }

    // Whether every well-formed multi-byte UTF-8 character takes `state` to `target`, every prefix staying alive.
    private bool AllCharactersLeadTo(int state, int target)
    {
        var memo = new Dictionary<(int, int), bool>();
        for (var lead = 0xC2; lead <= 0xF4; lead++)
        {
            var (length, lo, hi) = Utf8Lead.Describe((byte)lead);
            var after = NextLocked(state, (byte)lead);
            if (after < 0 || !Continuations(after, length, lo, hi))
            {
                return false;
            }
        }
        return true;

        bool Continuations(int s, int remaining, int lo, int hi)
        {
            var full = lo == 0x80 && hi == 0xBF;
            if (full && memo.TryGetValue((s, remaining), out var known))
            {
                return known;
            }
            var ok = true;
            for (var b = lo; b <= hi && ok; b++)
            {
                var t = NextLocked(s, (byte)b);
                ok = t >= 0 && (remaining == 1 ? t == target : Continuations(t, remaining - 1, 0x80, 0xBF));
            }
            if (full)
            {
                memo[(s, remaining)] = ok;
            }
            return ok;
        }
    }

    private (int Target, ByteSet Bytes) UniformSuccessor(int state)
    {
        Span<int> targets = stackalloc int[256];
        for (var b = 0; b < 256; b++)
        {
            targets[b] = NextLocked(state, (byte)b);
        }
        var best = Dead;
        var bestCount = 0;
        for (var b = 0; b < 256; b++)
        {
            if (targets[b] < 0 || targets[b] == best)
            {
                continue;
            }
            var n = 0;
            for (var c = b; c < 256; c++)
            {
                n += targets[c] == targets[b] ? 1 : 0;
            }
            if (n > bestCount)
            {
                (best, bestCount) = (targets[b], n);
            }
        }
        var set = ByteSet.Empty;
        for (var b = 0; b < 256 && best >= 0; b++)
        {
            if (targets[b] == best)
            {
                set = set.Union(ByteSet.Single((byte)b));
            }
        }
        return (best, set);
    }
}
