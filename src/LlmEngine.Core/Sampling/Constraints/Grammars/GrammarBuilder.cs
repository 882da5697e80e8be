namespace LlmEngine.Sampling.Constraints.Grammars;

/// <summary>
/// Collects named rules as <see cref="GrammarExpr"/> trees and lowers them to a <see cref="Grammar"/>: nested
/// alternations and repeated groups become helper rules, non-ASCII character sets become UTF-8 byte sequences,
/// and <see cref="GrammarAnalyzer"/> removes dead alternatives and rejects grammars that cannot run.
/// </summary>
internal sealed class GrammarBuilder
{
    private readonly Dictionary<string, (GrammarExpr Body, bool Nesting)> _definitions = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];
    private readonly Dictionary<string, int> _ruleIds = new(StringComparer.Ordinal);
    private readonly Dictionary<CodePointSet, int> _charSetRules = [];
    private List<RuleDraft> _drafts = [];

    /// <summary>Whether a rule of this name is defined.</summary>
    public bool IsDefined(string name) => _definitions.ContainsKey(name);

    /// <summary>Defines (or redefines) rule <paramref name="name"/>.</summary>
    public void Define(string name, GrammarExpr body, bool nesting = false)
    {
        if (!_definitions.ContainsKey(name))
        {
            _order.Add(name);
        }
        _definitions[name] = (body, nesting);
    }

    /// <summary>Lowers and checks every rule; <paramref name="root"/> is the start rule.</summary>
    /// <exception cref="ConstraintException">An undefined rule, a left-recursive rule, or no finite output.</exception>
    public Grammar Build(string root)
    {
        if (!_definitions.ContainsKey(root))
        {
            throw new ConstraintException($"The grammar has no '{root}' rule to start from.");
        }
        _drafts = [];
        _ruleIds.Clear();
        _charSetRules.Clear();
        var reachable = Reachable(root);
        foreach (var name in reachable)
        {
            _ruleIds[name] = _drafts.Count;
            _drafts.Add(new RuleDraft(name, _definitions[name].Nesting));
        }
        foreach (var name in reachable)
        {
            var draft = _drafts[_ruleIds[name]];
            draft.Alternatives.AddRange(LowerAlternatives(_definitions[name].Body, name));
        }
        // A start rule that references the root makes the root's own nesting count like any other level.
        var rootId = _drafts.Count;
        var start = new RuleDraft("$start", nesting: false);
        start.Alternatives.Add([new DraftElement(false, default, _ruleIds[root], 1, 1)]);
        _drafts.Add(start);
        GrammarAnalyzer.Check(_drafts, rootId);
        return Flatten(rootId);
    }

    private List<List<DraftElement>> LowerAlternatives(GrammarExpr expr, string owner)
    {
        var result = new List<List<DraftElement>>();
        if (expr is AltExpr alt)
        {
            foreach (var option in alt.Options)
            {
                var seq = new List<DraftElement>();
                LowerSequence(option, owner, seq);
                result.Add(seq);
            }
        }
        else
        {
            var seq = new List<DraftElement>();
            LowerSequence(expr, owner, seq);
            result.Add(seq);
        }
        return result;
    }

    private void LowerSequence(GrammarExpr expr, string owner, List<DraftElement> output)
    {
        switch (expr)
        {
            case SeqExpr seq:
                foreach (var item in seq.Items)
                {
                    LowerSequence(item, owner, output);
                }
                break;
            case LiteralExpr lit:
                foreach (var b in lit.Bytes)
                {
                    output.Add(new DraftElement(true, ByteSet.Single(b), -1, 1, 1));
                }
                break;
            case RepeatExpr rep:
                LowerRepeat(rep, owner, output);
                break;
            case AltExpr alt when alt.Options.Count == 1:
                LowerSequence(alt.Options[0], owner, output);
                break;
            default:
                output.Add(LowerAtom(expr, owner));
                break;
        }
    }

    private void LowerRepeat(RepeatExpr rep, string owner, List<DraftElement> output)
    {
        if (rep.Min > rep.Max || rep.Min < 0)
        {
            throw new ConstraintException($"Invalid repetition {{{rep.Min},{rep.Max}}} in '{owner}'.");
        }
        if (rep.Max == 0)
        {
            return;
        }
        var single = new List<DraftElement>();
        LowerSequence(rep.Item, owner, single);
        if (single.Count == 0)
        {
            return;
        }
        if (single.Count == 1 && single[0].Min == 1 && single[0].Max == 1)
        {
            output.Add(single[0] with { Min = rep.Min, Max = rep.Max });
            return;
        }
        var id = _drafts.Count;
        var helper = new RuleDraft($"{owner}_{id}", nesting: false);
        _drafts.Add(helper);
        helper.Alternatives.Add(single);
        output.Add(new DraftElement(false, default, id, rep.Min, rep.Max));
    }

    private DraftElement LowerAtom(GrammarExpr expr, string owner) => expr switch
    {
        BytesExpr bytes => new DraftElement(true, bytes.Set, -1, 1, 1),
        CharsExpr chars when chars.Set.IsAscii => new DraftElement(true, AsciiSet(chars.Set), -1, 1, 1),
        CharsExpr chars => new DraftElement(false, default, CharSetRule(chars.Set), 1, 1),
        RefExpr r => new DraftElement(false, default, ResolveRule(r.Name, owner), 1, 1),
        _ => new DraftElement(false, default, NewHelperRule(expr, owner), 1, 1),
    };

    private int ResolveRule(string name, string owner)
    {
        if (_ruleIds.TryGetValue(name, out var id))
        {
            return id;
        }
        throw new ConstraintException($"Undefined rule '{name}' (referenced from '{owner}').");
    }

    private int NewHelperRule(GrammarExpr body, string owner)
    {
        var id = _drafts.Count;
        var name = $"{owner}_{id}";
        var draft = new RuleDraft(name, nesting: false);
        _drafts.Add(draft);
        draft.Alternatives.AddRange(LowerAlternatives(body, owner));
        return id;
    }

    private int CharSetRule(CodePointSet set)
    {
        if (_charSetRules.TryGetValue(set, out var id))
        {
            return id;
        }
        var template = Utf8Encoding.Template(set);
        id = _drafts.Count;
        _drafts.Add(new RuleDraft($"char_{id}", nesting: false));
        _charSetRules[set] = id;
        var offset = _drafts.Count;
        for (var i = 0; i < template.Nodes.Count; i++)
        {
            _drafts.Add(new RuleDraft($"utf8_{offset + i}", nesting: false));
        }
        _drafts[id].Alternatives.AddRange(Relocate(template.Root, offset));
        for (var i = 0; i < template.Nodes.Count; i++)
        {
            _drafts[offset + i].Alternatives.AddRange(Relocate(template.Nodes[i], offset));
        }
        return id;
    }

    private static IEnumerable<List<DraftElement>> Relocate(List<List<DraftElement>> alternatives, int offset)
    {
        foreach (var alt in alternatives)
        {
            yield return alt.ConvertAll(e => e.IsTerminal ? e : e with { Rule = e.Rule + offset });
        }
    }

    // Rules reachable from the root, in definition order; unused shared rules are never lowered.
    private List<string> Reachable(string root)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal) { root };
        var stack = new Stack<GrammarExpr>();
        stack.Push(_definitions[root].Body);
        while (stack.Count > 0)
        {
            switch (stack.Pop())
            {
                case RefExpr r when _definitions.TryGetValue(r.Name, out var def) && seen.Add(r.Name):
                    stack.Push(def.Body);
                    break;
                case SeqExpr seq:
                    foreach (var item in seq.Items)
                    {
                        stack.Push(item);
                    }
                    break;
                case AltExpr alt:
                    foreach (var option in alt.Options)
                    {
                        stack.Push(option);
                    }
                    break;
                case RepeatExpr { Max: > 0 } rep:
                    stack.Push(rep.Item);
                    break;
            }
        }
        return _order.FindAll(seen.Contains);
    }

    private static ByteSet AsciiSet(CodePointSet set)
    {
        var result = ByteSet.Empty;
        foreach (var (lo, hi) in set.Ranges)
        {
            result = result.Union(ByteSet.Range(lo, hi));
        }
        return result;
    }

    private Grammar Flatten(int root)
    {
        var elements = new List<GrammarElement>();
        var byteSets = new List<ByteSet>();
        var byteSetIds = new Dictionary<ByteSet, int>();
        var ruleAlternatives = new int[_drafts.Count][];
        for (var r = 0; r < _drafts.Count; r++)
        {
            var alts = _drafts[r].Alternatives;
            ruleAlternatives[r] = new int[alts.Count];
            for (var a = 0; a < alts.Count; a++)
            {
                ruleAlternatives[r][a] = elements.Count;
                foreach (var e in alts[a])
                {
                    if (e.IsTerminal)
                    {
                        if (!byteSetIds.TryGetValue(e.Set, out var setId))
                        {
                            setId = byteSets.Count;
                            byteSets.Add(e.Set);
                            byteSetIds[e.Set] = setId;
                        }
                        elements.Add(new GrammarElement(GrammarElementKind.Terminal, setId, e.Min, e.Max));
                    }
                    else
                    {
                        elements.Add(new GrammarElement(GrammarElementKind.Rule, e.Rule, e.Min, e.Max));
                    }
                }
                elements.Add(new GrammarElement(GrammarElementKind.End, -1, 1, 1));
            }
        }
        var names = new string[_drafts.Count];
        var nesting = new bool[_drafts.Count];
        for (var r = 0; r < _drafts.Count; r++)
        {
            names[r] = _drafts[r].Name;
            nesting[r] = _drafts[r].Nesting;
        }
        return new Grammar([.. elements], [.. byteSets], ruleAlternatives, names, nesting, root);
    }
}
