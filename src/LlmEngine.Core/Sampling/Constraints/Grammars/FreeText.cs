namespace LlmEngine.Sampling.Constraints.Grammars;

/// <summary>
/// Unconstrained text as grammar expressions: any text, or any text that never contains a marker (so a grammar can
/// let a model write freely until it starts a tool call or closes its reasoning, then constrain what follows).
/// Built from repetitions, not recursion, so the automaton's stacks stay shallow and its states repeat (masks cache).
/// </summary>
internal static class FreeText
{
    /// <summary>Any text (every Unicode scalar value, any length).</summary>
    public static GrammarExpr Any { get; } = GrammarExpr.Star(GrammarExpr.Chars(CodePointSet.Any));

    /// <summary>
    /// Any text that does not contain <paramref name="marker"/>. The marker's first character must not occur again in
    /// it (true of <c>&lt;tool_call&gt;</c>, <c>[TOOL_CALLS]</c>, <c>&lt;|python_tag|&gt;</c>, <c>&lt;/think&gt;</c>),
    /// which makes the language a plain repetition: text without that character, then runs each starting with it
    /// and not going on to spell the rest of the marker.
    /// </summary>
    /// <param name="marker">The text that must not occur.</param>
    /// <param name="excludedFirst">Characters the text must not start with (the marker's first character must not be one).</param>
    /// <exception cref="ArgumentException">The marker is empty or its first character repeats or is excluded.</exception>
    public static GrammarExpr Avoiding(string marker, string excludedFirst = "")
    {
        ArgumentException.ThrowIfNullOrEmpty(marker);
        var first = char.ConvertToUtf32(marker, 0);
        var headLength = char.IsSurrogatePair(marker, 0) ? 2 : 1;
        var rest = marker[headLength..];
        if (rest.Contains(marker[..headLength], StringComparison.Ordinal))
        {
            throw new ArgumentException($"The marker '{marker}' repeats its first character; FreeText.Avoiding needs it once.", nameof(marker));
        }
        var excluded = CodePointSet.Of(excludedFirst);
        if (excluded.Contains(first))
        {
            throw new ArgumentException($"The marker '{marker}' starts with an excluded character.", nameof(excludedFirst));
        }
        var other = CodePointSet.Any.Subtract(CodePointSet.Single(first));
        var otherText = GrammarExpr.Star(GrammarExpr.Chars(other));
        // Text without the first character, its own first character not excluded.
        var lead = excluded.IsEmpty ? otherText : GrammarExpr.Optional(GrammarExpr.Seq(GrammarExpr.Chars(other.Subtract(excluded)), otherText));
        // A run after the first character: a proper prefix of the rest, optionally followed by a character that
        // breaks it and then anything without the first character.
        var runs = new List<GrammarExpr>();
        for (var j = 0; j < rest.Length; j += char.IsSurrogatePair(rest, j) ? 2 : 1)
        {
            var breaking = other.Subtract(CodePointSet.Single(char.ConvertToUtf32(rest, j)));
            var prefix = GrammarExpr.Lit(rest[..j]);
            runs.Add(GrammarExpr.Seq(prefix, GrammarExpr.Optional(GrammarExpr.Seq(GrammarExpr.Chars(breaking), otherText))));
        }
        if (rest.Length == 0)
        {
            // A one-character marker: the text simply never holds that character.
            return lead;
        }
        return GrammarExpr.Seq(lead, GrammarExpr.Star(GrammarExpr.Seq(GrammarExpr.Chars(CodePointSet.Single(first)), GrammarExpr.Alt(runs))));
    }

    /// <summary>Empty, or text whose first character is not in <paramref name="excludedFirst"/>, then <paramref name="rest"/>.</summary>
    public static GrammarExpr NotStartingWith(string excludedFirst, GrammarExpr rest) =>
        GrammarExpr.Optional(GrammarExpr.Seq(GrammarExpr.Chars(CodePointSet.Any.Subtract(CodePointSet.Of(excludedFirst))), rest));
}
