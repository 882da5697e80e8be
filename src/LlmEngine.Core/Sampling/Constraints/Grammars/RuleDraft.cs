namespace LlmEngine.Sampling.Constraints.Grammars;

/// <summary>An element of a rule under construction: a byte-set terminal or a rule reference, with its repetition.</summary>
internal record struct DraftElement(bool IsTerminal, ByteSet Set, int Rule, int Min, int Max);

/// <summary>A rule under construction: alternatives of element sequences, before analysis and flattening.</summary>
internal sealed class RuleDraft
{
    public RuleDraft(string name, bool nesting)
    {
        Name = name;
        Nesting = nesting;
    }

    public string Name { get; }

    public bool Nesting { get; }

    public List<List<DraftElement>> Alternatives { get; } = [];
}
