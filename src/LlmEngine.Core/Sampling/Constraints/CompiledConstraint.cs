using System.Runtime.CompilerServices;
using LlmEngine.Sampling.Constraints.Grammars;
using LlmEngine.Sampling.Constraints.Matching;
using LlmEngine.Tokenization;

namespace LlmEngine.Sampling.Constraints;

/// <summary>
/// A constraint compiled to a byte-level grammar automaton; immutable from the outside and shared by every request
/// with the same spec (its lazily built automaton and mask caches are thread-safe). Create one
/// <see cref="ConstraintState"/> per request (per sequence when n &gt; 1).
/// </summary>
public sealed class CompiledConstraint
{
    private readonly ConditionalWeakTable<TokenVocabulary, VocabularyMatcher> _matchers = [];

    internal CompiledConstraint(ConstraintSpec spec, Grammar grammar)
    {
        Spec = spec;
        Grammar = grammar;
        Automaton = new GrammarAutomaton(grammar, spec.Options.MaxNestingDepth);
    }

    /// <summary>The spec this was compiled from.</summary>
    public ConstraintSpec Spec { get; }

    /// <summary>Number of grammar rules (a size indicator for diagnostics).</summary>
    public int RuleCount => Grammar.RuleNames.Length;

    internal Grammar Grammar { get; }

    internal GrammarAutomaton Automaton { get; }

    /// <summary>A fresh state at the start of the output, for tokens of <paramref name="vocabulary"/>.</summary>
    public ConstraintState CreateState(TokenVocabulary vocabulary)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        return new ConstraintState(this, GetMatcher(vocabulary));
    }

    /// <summary>A fresh state for <paramref name="tokenizer"/>'s vocabulary (prepared once per tokenizer).</summary>
    public ConstraintState CreateState(ITokenizer tokenizer) => CreateState(TokenVocabulary.For(tokenizer));

    /// <summary>Whether <paramref name="text"/> as a whole matches the constraint.</summary>
    public bool Matches(string text) => Matches(System.Text.Encoding.UTF8.GetBytes(text));

    /// <summary>Whether the UTF-8 bytes <paramref name="utf8"/> as a whole match the constraint.</summary>
    public bool Matches(ReadOnlySpan<byte> utf8) => Automaton.IsAccepting(Automaton.Advance(Automaton.InitialState, utf8));

    internal VocabularyMatcher GetMatcher(TokenVocabulary vocabulary) =>
        _matchers.GetValue(vocabulary, v => new VocabularyMatcher(Automaton, v));
}
