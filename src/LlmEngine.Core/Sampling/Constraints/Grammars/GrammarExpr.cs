using System.Text;

namespace LlmEngine.Sampling.Constraints.Grammars;

/// <summary>
/// The expression tree every front end (JSON schema, regex, choice, GBNF) produces; <see cref="GrammarBuilder"/>
/// lowers it to the byte-level <see cref="Grammar"/> the matcher runs.
/// </summary>
internal abstract record GrammarExpr
{
    /// <summary>Unbounded repetition count.</summary>
    public const int Unbounded = int.MaxValue;

    /// <summary>The empty string.</summary>
    public static GrammarExpr Empty { get; } = new SeqExpr([]);

    /// <summary>No string at all (an alternation with no options).</summary>
    public static GrammarExpr Nothing { get; } = new AltExpr([]);

    public static GrammarExpr Seq(params GrammarExpr[] items) => items.Length == 1 ? items[0] : new SeqExpr(items);

    public static GrammarExpr Alt(params GrammarExpr[] options) => options.Length == 1 ? options[0] : new AltExpr(options);

    public static GrammarExpr Alt(IReadOnlyList<GrammarExpr> options) => options.Count == 1 ? options[0] : new AltExpr(options);

    public static GrammarExpr Lit(string text) => new LiteralExpr(Encoding.UTF8.GetBytes(text));

    /// <summary>
    /// The special token whose text is <paramref name="text"/>, as <see cref="TokenVocabulary"/> shows special tokens
    /// to grammars (a <c>0xFF</c> byte, then the text); matches nothing when the vocabulary has no such special token.
    /// </summary>
    public static GrammarExpr SpecialToken(string text) => new LiteralExpr([TokenVocabulary.SpecialTokenPrefix, .. Encoding.UTF8.GetBytes(text)]);

    /// <summary>
    /// A marker such as <c>&lt;tool_call&gt;</c> or <c>[TOOL_CALLS]</c>: its text, whether the vocabulary holds it as a
    /// special token or as ordinary tokens.
    /// </summary>
    public static GrammarExpr Marker(string text) => new AltExpr([Lit(text), SpecialToken(text)]);

    public static GrammarExpr Chars(CodePointSet set) => new CharsExpr(set);

    public static GrammarExpr Chars(string chars) => new CharsExpr(CodePointSet.Of(chars));

    public static GrammarExpr Range(char lo, char hi) => new CharsExpr(CodePointSet.Range(lo, hi));

    public static GrammarExpr Ref(string name) => new RefExpr(name);

    public static GrammarExpr Repeat(GrammarExpr item, int min, int max) => new RepeatExpr(item, min, max);

    public static GrammarExpr Optional(GrammarExpr item) => new RepeatExpr(item, 0, 1);

    public static GrammarExpr Star(GrammarExpr item) => new RepeatExpr(item, 0, Unbounded);
}

/// <summary>A sequence; empty means the empty string.</summary>
internal sealed record SeqExpr(IReadOnlyList<GrammarExpr> Items) : GrammarExpr;

/// <summary>An alternation; no options means no string.</summary>
internal sealed record AltExpr(IReadOnlyList<GrammarExpr> Options) : GrammarExpr;

/// <summary>One byte from a set.</summary>
internal sealed record BytesExpr(ByteSet Set) : GrammarExpr;

/// <summary>One Unicode scalar from a set, as its UTF-8 bytes.</summary>
internal sealed record CharsExpr(CodePointSet Set) : GrammarExpr;

/// <summary>An exact byte string.</summary>
internal sealed record LiteralExpr(byte[] Bytes) : GrammarExpr;

/// <summary>A reference to a named rule.</summary>
internal sealed record RefExpr(string Name) : GrammarExpr;

/// <summary><paramref name="Item"/> repeated between <paramref name="Min"/> and <paramref name="Max"/> times.</summary>
internal sealed record RepeatExpr(GrammarExpr Item, int Min, int Max) : GrammarExpr;
