using System.Runtime.CompilerServices;
using LlmEngine.Sampling.Constraints.Grammars;

namespace LlmEngine.Sampling.Constraints.Matching;

/// <summary>
/// Runs a <see cref="Grammar"/> as a pushdown automaton over bytes and memoises it as a lazily built DFA. A
/// <em>stack</em> is an interned chain of frames (element position, repetitions done, parent frame), its top frame
/// at a terminal ready to take a byte; a <em>state</em> is an interned set of stacks plus whether the input may end
/// here. Transitions (state, byte) -> state are computed once and cached, so the vocabulary trie walk and token
/// acceptance cost one array lookup per byte once warm. Shared by every request using the same compiled
/// constraint: all mutation happens under <see cref="SyncRoot"/>.
/// </summary>
internal sealed partial class GrammarAutomaton
{
    /// <summary>The transition target when no stack can take the byte.</summary>
    public const int Dead = -1;

    /// <summary>A hard cap on stack frames, whatever the nesting limit, so every state set is finite.</summary>
    public const int MaxFrames = 1024;


    /// <summary>A transition not computed yet.</summary>
    public const int Unknown = int.MinValue;

    private readonly Grammar _grammar;
    private readonly int _maxNesting;
    private readonly Dictionary<(int Pos, int Count, int Parent), int> _nodeIds = [];
    private readonly Dictionary<StateKey, int> _stateIds = [];
    private readonly HashSet<(int Pos, int Count, int Parent)> _visited = [];
    private readonly List<int> _scratch = [];
    private StackNode[] _nodes = new StackNode[256];
    private int _nodeCount;
    private AutomatonState[] _states = new AutomatonState[64];
    private int _stateCount;
    private long[]? _minLengths;

    public GrammarAutomaton(Grammar grammar, int maxNesting)
    {
        _grammar = grammar;
        _maxNesting = maxNesting;
        lock (SyncRoot)
        {
            var accepting = false;
            _visited.Clear();
            _scratch.Clear();
            foreach (var start in grammar.RuleAlternatives[grammar.RootRule])
            {
                Expand(start, 0, -1, ref accepting);
            }
            InitialState = Intern(ref accepting);
        }
    }

    /// <summary>The lock that guards the lazily built tables.</summary>
    public object SyncRoot { get; } = new();

    public int InitialState { get; }

    public Grammar Grammar => _grammar;

    /// <summary>Number of states built so far.</summary>
    public int StateCount => Volatile.Read(ref _stateCount);

    /// <summary>Whether the input may end in <paramref name="state"/>.</summary>
    public bool IsAccepting(int state) => state >= 0 && Volatile.Read(ref _states)[state].Accepting;

    /// <summary>Whether <paramref name="state"/> accepts and no further byte is possible.</summary>
    public bool IsFinal(int state) => state >= 0 && Volatile.Read(ref _states)[state] is { Accepting: true, Stacks.Length: 0 };

    /// <summary>
    /// The fewest bytes that complete the output from <paramref name="state"/> (0 when it may end here), from the
    /// rules' minimal lengths; optimistic where the nesting limit would cut the shortest path.
    /// </summary>
    public int DistanceToAccept(int state)
    {
        lock (SyncRoot)
        {
            var st = _states[state];
            if (st.Accepting)
            {
                return 0;
            }
            _minLengths ??= MinimalLengths();
            var best = long.MaxValue;
            foreach (var id in st.Stacks)
            {
                best = Math.Min(best, StackDistance(id));
            }
            return (int)Math.Min(best, int.MaxValue);
        }
    }

    /// <summary>Follows <paramref name="bytes"/> from <paramref name="state"/>; <see cref="Dead"/> when refused.</summary>
    public int Advance(int state, ReadOnlySpan<byte> bytes)
    {
        lock (SyncRoot)
        {
            foreach (var b in bytes)
            {
                if (state < 0)
                {
                    return Dead;
                }
                state = NextLocked(state, b);
            }
            return state;
        }
    }

    /// <summary>
    /// The transition row of <paramref name="state"/> (<see cref="Unknown"/> where not computed yet); the caller
    /// holds <see cref="SyncRoot"/>.
    /// </summary>
    public int[] TransitionRowLocked(int state) => _states[state].Next;

    /// <summary>The state after byte <paramref name="b"/>; the caller holds <see cref="SyncRoot"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int NextLocked(int state, byte b)
    {
        var next = _states[state].Next;
        var target = next[b];
        return target != Unknown ? target : next[b] = ComputeNext(state, b);
    }

    private int ComputeNext(int state, byte b)
    {
        var stacks = _states[state].Stacks;
        var accepting = false;
        _visited.Clear();
        _scratch.Clear();
        foreach (var id in stacks)
        {
            var node = _nodes[id];
            var e = _grammar.Elements[node.Pos];
            if (_grammar.ByteSets[e.Target].Contains(b))
            {
                Expand(node.Pos, Normalize(node.Count + 1, e), node.Parent, ref accepting);
            }
        }
        return Intern(ref accepting);
    }

    // Adds to _scratch every terminal-ready stack reachable from the frame without consuming input.
    private void Expand(int pos, int count, int parent, ref bool accepting)
    {
        if (!_visited.Add((pos, count, parent)))
        {
            return;
        }
        var e = _grammar.Elements[pos];
        if (e.Kind == GrammarElementKind.End)
        {
            if (parent < 0)
            {
                accepting = true;
                return;
            }
            var p = _nodes[parent];
            Expand(p.Pos, Normalize(p.Count + 1, _grammar.Elements[p.Pos]), p.Parent, ref accepting);
            return;
        }
        if (count < e.Max)
        {
            if (e.Kind == GrammarElementKind.Terminal)
            {
                _scratch.Add(InternNode(pos, count, parent));
            }
            else
            {
                var frame = InternNode(pos, count, parent);
                var node = _nodes[frame];
                if (node.Depth < MaxFrames && node.Nesting <= _maxNesting)
                {
                    foreach (var start in _grammar.RuleAlternatives[e.Target])
                    {
                        Expand(start, 0, frame, ref accepting);
                    }
                }
            }
        }
        if (count >= e.Min)
        {
            Expand(pos + 1, 0, parent, ref accepting);
        }
    }

    private long StackDistance(int id)
    {
        var node = _nodes[id];
        double total = Rest(node.Pos, node.Count);
        for (var parent = node.Parent; parent >= 0; parent = _nodes[parent].Parent)
        {
            var p = _nodes[parent];
            total += Rest(p.Pos, p.Count + 1);
        }
        return (long)Math.Min(total, long.MaxValue / 4);
    }

    // Bytes still needed to finish the alternative from element `pos` with `count` repetitions done.
    private long Rest(int pos, int count)
    {
        double total = 0;
        for (var e = _grammar.Elements[pos]; e.Kind != GrammarElementKind.End; e = _grammar.Elements[++pos])
        {
            total += (double)Math.Max(0, e.Min - count) * Unit(e);
            count = 0;
        }
        return (long)Math.Min(total, long.MaxValue / 4);
    }

    private long Unit(GrammarElement e) => e.Kind == GrammarElementKind.Terminal ? 1 : _minLengths![e.Target];

    private long[] MinimalLengths()
    {
        var lengths = new long[_grammar.RuleNames.Length];
        Array.Fill(lengths, long.MaxValue / 4);
        _minLengths = lengths;
        bool changed;
        do
        {
            changed = false;
            for (var r = 0; r < lengths.Length; r++)
            {
                foreach (var start in _grammar.RuleAlternatives[r])
                {
                    var length = Rest(start, 0);
                    if (length < lengths[r])
                    {
                        lengths[r] = length;
                        changed = true;
                    }
                }
            }
        }
        while (changed);
        return lengths;
    }

    // Unbounded repetitions only need to remember whether the minimum was reached, which keeps loops finite.
    private static int Normalize(int count, GrammarElement e) => e.Max == GrammarExpr.Unbounded ? Math.Min(count, e.Min) : count;

    private int InternNode(int pos, int count, int parent)
    {
        if (_nodeIds.TryGetValue((pos, count, parent), out var id))
        {
            return id;
        }
        var e = _grammar.Elements[pos];
        var nesting = (parent < 0 ? 0 : _nodes[parent].Nesting)
            + (e.Kind == GrammarElementKind.Rule && _grammar.RuleNesting[e.Target] ? 1 : 0);
        var depth = (parent < 0 ? 0 : _nodes[parent].Depth) + 1;
        if (_nodeCount == _nodes.Length)
        {
            Array.Resize(ref _nodes, _nodes.Length * 2);
        }
        id = _nodeCount++;
        _nodes[id] = new StackNode(pos, count, parent, depth, nesting);
        _nodeIds[(pos, count, parent)] = id;
        return id;
    }

    private int Intern(ref bool accepting)
    {
        if (_scratch.Count == 0 && !accepting)
        {
            return Dead;
        }
        _scratch.Sort();
        var unique = 0;
        for (var i = 0; i < _scratch.Count; i++)
        {
            if (i == 0 || _scratch[i] != _scratch[i - 1])
            {
                _scratch[unique++] = _scratch[i];
            }
        }
        var stacks = _scratch.GetRange(0, unique).ToArray();
        var key = new StateKey(stacks, accepting);
        if (_stateIds.TryGetValue(key, out var id))
        {
            return id;
        }
        var next = new int[256];
        next.AsSpan().Fill(Unknown);
        var states = _states;
        if (_stateCount == states.Length)
        {
            Array.Resize(ref states, states.Length * 2);
        }
        id = _stateCount;
        states[id] = new AutomatonState(stacks, accepting, next);
        Volatile.Write(ref _states, states);
        Volatile.Write(ref _stateCount, id + 1);
        _stateIds[key] = id;
        return id;
    }

    private readonly record struct StackNode(int Pos, int Count, int Parent, int Depth, int Nesting);

    private sealed record AutomatonState(int[] Stacks, bool Accepting, int[] Next)
    {
        public int UniformTarget { get; set; } = Unknown;

        public ByteSet UniformBytes { get; set; }

        public bool UniformAllChars { get; set; }

        public int UniformRun { get; set; } = -1;
    }

    private readonly struct StateKey : IEquatable<StateKey>
    {
        private readonly int[] _stacks;
        private readonly bool _accepting;
        private readonly int _hash;

        public StateKey(int[] stacks, bool accepting)
        {
            _stacks = stacks;
            _accepting = accepting;
            var hash = new HashCode();
            hash.Add(accepting);
            foreach (var s in stacks)
            {
                hash.Add(s);
            }
            _hash = hash.ToHashCode();
        }

        public bool Equals(StateKey other) => _accepting == other._accepting && _stacks.AsSpan().SequenceEqual(other._stacks);

        public override bool Equals(object? obj) => obj is StateKey other && Equals(other);

        public override int GetHashCode() => _hash;
    }
}
