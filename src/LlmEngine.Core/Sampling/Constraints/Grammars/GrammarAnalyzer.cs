namespace LlmEngine.Sampling.Constraints.Grammars;

/// <summary>
/// Checks a lowered grammar before it runs: every alternative the matcher may enter must be able to finish (else a
/// request could be led into a dead end with no allowed token), and no rule may be left-recursive (the stack-based
/// matcher would expand it forever).
/// </summary>
internal static class GrammarAnalyzer
{
    /// <exception cref="ConstraintException">The start rule cannot finish, or a rule is left-recursive.</exception>
    public static void Check(List<RuleDraft> rules, int root)
    {
        var productive = Productive(rules);
        if (!productive[root])
        {
            throw new ConstraintException(
                $"No finite output satisfies the constraint: {DescribeUnproductive(rules, productive, root)} can never be completed " +
                "(it recurses without a way to stop, or has nothing left to match).");
        }
        Prune(rules, productive);
        CheckLeftRecursion(rules, root);
    }

    private static bool[] Productive(List<RuleDraft> rules)
    {
        var productive = new bool[rules.Count];
        bool changed;
        do
        {
            changed = false;
            for (var r = 0; r < rules.Count; r++)
            {
                if (productive[r])
                {
                    continue;
                }
                foreach (var alt in rules[r].Alternatives)
                {
                    if (alt.TrueForAll(e => IsProductive(e, productive)))
                    {
                        productive[r] = true;
                        changed = true;
                        break;
                    }
                }
            }
        }
        while (changed);
        return productive;
    }

    private static bool IsProductive(DraftElement e, bool[] productive) =>
        e.Min == 0 || (e.IsTerminal ? !e.Set.IsEmpty : productive[e.Rule]);

    private static void Prune(List<RuleDraft> rules, bool[] productive)
    {
        foreach (var rule in rules)
        {
            rule.Alternatives.RemoveAll(alt => !alt.TrueForAll(e => IsProductive(e, productive)));
            foreach (var alt in rule.Alternatives)
            {
                alt.RemoveAll(e => e.Min == 0 && (e.IsTerminal ? e.Set.IsEmpty : !productive[e.Rule]));
            }
        }
    }

    private static string DescribeUnproductive(List<RuleDraft> rules, bool[] productive, int root)
    {
        var names = new List<string>();
        var seen = new HashSet<int> { root };
        var queue = new Queue<int>();
        queue.Enqueue(root);
        while (queue.Count > 0 && names.Count < 4)
        {
            var r = queue.Dequeue();
            if (!productive[r] && !rules[r].Name.StartsWith("char_", StringComparison.Ordinal) && !rules[r].Name.StartsWith("utf8_", StringComparison.Ordinal))
            {
                names.Add($"'{rules[r].Name}'");
            }
            foreach (var alt in rules[r].Alternatives)
            {
                foreach (var e in alt)
                {
                    if (!e.IsTerminal && e.Min > 0 && !productive[e.Rule] && seen.Add(e.Rule))
                    {
                        queue.Enqueue(e.Rule);
                    }
                }
            }
        }
        return names.Count == 1 ? "rule " + names[0] : "rules " + string.Join(", ", names);
    }

    private static void CheckLeftRecursion(List<RuleDraft> rules, int root)
    {
        var nullable = new bool[rules.Count];
        bool changed;
        do
        {
            changed = false;
            for (var r = 0; r < rules.Count; r++)
            {
                if (!nullable[r] && rules[r].Alternatives.Exists(alt => alt.TrueForAll(e => IsNullable(e, nullable))))
                {
                    nullable[r] = true;
                    changed = true;
                }
            }
        }
        while (changed);

        // 0 = unvisited, 1 = on the DFS path, 2 = done.
        var color = new int[rules.Count];
        var path = new List<int>();
        Visit(root);
        for (var r = 0; r < rules.Count; r++)
        {
            if (color[r] == 0)
            {
                Visit(r);
            }
        }

        void Visit(int r)
        {
            color[r] = 1;
            path.Add(r);
            foreach (var alt in rules[r].Alternatives)
            {
                foreach (var e in alt)
                {
                    if (!e.IsTerminal)
                    {
                        if (color[e.Rule] == 1)
                        {
                            var start = path.IndexOf(e.Rule);
                            var cycle = string.Join(" -> ", path.Skip(start).Append(e.Rule).Select(i => rules[i].Name));
                            throw new ConstraintException(
                                $"Rule '{rules[e.Rule].Name}' is left-recursive ({cycle}); rewrite it with repetition (for example x ::= y z*).");
                        }
                        if (color[e.Rule] == 0)
                        {
                            Visit(e.Rule);
                        }
                    }
                    if (!IsNullable(e, nullable))
                    {
                        break;
                    }
                }
            }
            path.RemoveAt(path.Count - 1);
            color[r] = 2;
        }
    }

    private static bool IsNullable(DraftElement e, bool[] nullable) => e.Min == 0 || (!e.IsTerminal && nullable[e.Rule]);
}
