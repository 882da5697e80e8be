using LlmEngine.Sampling.Constraints.Matching;

namespace LlmEngine.Sampling.Constraints;

/// <summary>
/// Where one sequence stands in its constraint. It advances only with accepted output tokens, so it survives
/// preemption unchanged (a recomputed request keeps its state; <see cref="Reset"/> plus <see cref="Replay"/>
/// rebuilds it from the output ids when needed). Not thread-safe: one owner per sequence; <see cref="Clone"/> for
/// n &gt; 1 or beam-like forks. Steps allocate nothing once the automaton states are built.
/// </summary>
public sealed class ConstraintState
{
    // After an end-of-generation token was accepted.
    private const int Terminated = -2;

    private readonly VocabularyMatcher _matcher;
    private readonly GrammarAutomaton _automaton;
    private readonly List<int> _history;
    private int _state;

    internal ConstraintState(CompiledConstraint constraint, VocabularyMatcher matcher)
    {
        Constraint = constraint;
        _matcher = matcher;
        _automaton = matcher.Automaton;
        _state = _automaton.InitialState;
        _history = [];
    }

    private ConstraintState(ConstraintState other)
    {
        Constraint = other.Constraint;
        _matcher = other._matcher;
        _automaton = other._automaton;
        _state = other._state;
        _history = [.. other._history];
    }

    /// <summary>The compiled constraint this state walks.</summary>
    public CompiledConstraint Constraint { get; }

    /// <summary>The vocabulary whose token ids this state takes.</summary>
    public TokenVocabulary Vocabulary => _matcher.Vocabulary;

    /// <summary>Number of tokens accepted since the start (or the last <see cref="Reset"/>).</summary>
    public int AcceptedTokenCount => _history.Count;

    /// <summary>Whether the output so far is complete, so an end-of-generation token is allowed now.</summary>
    public bool CanEnd => _state >= 0 && _automaton.IsAccepting(_state);

    /// <summary>
    /// Whether nothing but ending is possible: the output is complete and no byte may follow, or an
    /// end-of-generation token was accepted. A scheduler may finish the request here.
    /// </summary>
    public bool IsComplete => _state == Terminated || _automaton.IsFinal(_state);

    /// <summary>
    /// The fewest bytes that would complete the output from here (0 when it may end now), from the grammar's
    /// minimal rule lengths: a scheduler can use it to see that <c>max_tokens</c> is about to cut an output short.
    /// </summary>
    public int MinBytesToComplete => _state == Terminated ? 0 : _automaton.DistanceToAccept(_state);

    /// <summary>The automaton state (for tests and diagnostics).</summary>
    internal int AutomatonState => _state;

    /// <summary>Whether an end-of-generation token has been accepted.</summary>
    public bool IsTerminated => _state == Terminated;

    /// <summary>
    /// Writes the tokens allowed next into <paramref name="mask"/> (ids past the vocabulary are disallowed). After
    /// termination only the end-of-generation ids stay allowed, so a row is never all negative infinity.
    /// </summary>
    public void ComputeMask(TokenBitmask mask)
    {
        ArgumentNullException.ThrowIfNull(mask);
        var words = mask.Words.AsSpan();
        words.Clear();
        if (_state == Terminated)
        {
            foreach (var t in _matcher.Vocabulary.EndTokenIds)
            {
                if (t < mask.Size)
                {
                    words[t >> 6] |= 1UL << (t & 63);
                }
            }
            return;
        }
        var source = _matcher.GetMask(_state).AsSpan();
        var count = Math.Min(source.Length, words.Length);
        source[..count].CopyTo(words);
        if (mask.Size < _matcher.Vocabulary.Size && mask.Size % 64 != 0)
        {
            words[^1] &= (1UL << (mask.Size % 64)) - 1;
        }
    }

    /// <summary>Whether <paramref name="tokenId"/> may come next (walks only this token's bytes).</summary>
    public bool IsTokenAllowed(int tokenId) => Step(tokenId) != GrammarAutomaton.Dead;

    /// <summary>
    /// Advances over <paramref name="tokenId"/>; returns false (and stays put) when the token is not allowed here.
    /// </summary>
    public bool Accept(int tokenId)
    {
        var next = Step(tokenId);
        if (next == GrammarAutomaton.Dead)
        {
            return false;
        }
        _history.Add(_state);
        _state = next;
        return true;
    }

    /// <summary>Undoes the last <paramref name="count"/> accepted tokens (for speculative decoding).</summary>
    public void Rollback(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _history.Count);
        if (count == 0)
        {
            return;
        }
        _state = _history[^count];
        _history.RemoveRange(_history.Count - count, count);
    }

    /// <summary>Returns to the start of the output.</summary>
    public void Reset()
    {
        _history.Clear();
        _state = _automaton.InitialState;
    }

    /// <summary>
    /// Resets, then accepts <paramref name="tokenIds"/> in order; returns false at the first refused token
    /// (the state then stands after the tokens before it).
    /// </summary>
    public bool Replay(ReadOnlySpan<int> tokenIds)
    {
        Reset();
        foreach (var id in tokenIds)
        {
            if (!Accept(id))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>An independent copy at the same point (history included).</summary>
    public ConstraintState Clone() => new(this);

    private int Step(int tokenId)
    {
        var vocabulary = _matcher.Vocabulary;
        if (_state == Terminated || (uint)tokenId >= (uint)vocabulary.Size)
        {
            return GrammarAutomaton.Dead;
        }
        if (vocabulary.IsEndToken(tokenId))
        {
            return _automaton.IsAccepting(_state) ? Terminated : GrammarAutomaton.Dead;
        }
        var bytes = vocabulary.GetBytes(tokenId);
        return bytes.IsEmpty ? GrammarAutomaton.Dead : _automaton.Advance(_state, bytes);
    }
}
