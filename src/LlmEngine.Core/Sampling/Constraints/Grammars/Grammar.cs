namespace LlmEngine.Sampling.Constraints.Grammars;

/// <summary>Kinds of <see cref="GrammarElement"/>.</summary>
internal enum GrammarElementKind : byte
{
    /// <summary>One byte from a byte set.</summary>
    Terminal,

    /// <summary>A whole rule.</summary>
    Rule,

    /// <summary>The end of an alternative.</summary>
    End,
}

/// <summary>One element of an alternative, repeated <see cref="Min"/>..<see cref="Max"/> times.</summary>
internal readonly record struct GrammarElement(GrammarElementKind Kind, int Target, int Min, int Max);

/// <summary>
/// A compiled byte-level grammar: rules of alternatives, each alternative a run of elements in
/// <see cref="Elements"/> closed by an <see cref="GrammarElementKind.End"/> element. Immutable. Every rule is
/// productive (can finish) and none is left-recursive; <see cref="GrammarBuilder"/> guarantees both.
/// </summary>
internal sealed class Grammar
{
    public Grammar(GrammarElement[] elements, ByteSet[] byteSets, int[][] ruleAlternatives, string[] ruleNames, bool[] ruleNesting, int rootRule)
    {
        Elements = elements;
        ByteSets = byteSets;
        RuleAlternatives = ruleAlternatives;
        RuleNames = ruleNames;
        RuleNesting = ruleNesting;
        RootRule = rootRule;
    }

    public GrammarElement[] Elements { get; }

    /// <summary>Byte sets referenced by terminal elements.</summary>
    public ByteSet[] ByteSets { get; }

    /// <summary>For each rule, the element positions where its alternatives start.</summary>
    public int[][] RuleAlternatives { get; }

    public string[] RuleNames { get; }

    /// <summary>Rules that count towards the nesting-depth limit (JSON objects and arrays).</summary>
    public bool[] RuleNesting { get; }

    public int RootRule { get; }
}
