using System.Globalization;
using System.Text;
using LlmEngine.Sampling.Constraints.Grammars;

namespace LlmEngine.Sampling.Constraints.Json;

/// <summary>
/// JSON text building blocks shared by the schema compiler and the regex front end: how characters appear inside
/// a JSON string, whitespace, and the any-value rules.
/// </summary>
internal static class JsonText
{
    public const string CharRule = "json-char";
    public const string CountedCharRule = "json-counted-char";
    public const string StringRule = "json-string";
    public const string ValueRule = "json-value";
    public const string ObjectRule = "json-object";
    public const string ArrayRule = "json-array";
    public const string NumberRule = "json-number";

    /// <summary>Characters a JSON string may hold unescaped.</summary>
    public static CodePointSet Unescaped { get; } = CodePointSet.Range(0x20, CodePointSet.MaxCodePoint).Subtract(CodePointSet.Of("\"\\"));

    private static readonly Lazy<CodePointSet> s_standalone = new(BuildStandalone);

    /// <summary>
    /// Characters that are a whole grapheme cluster wherever they stand: no combining marks, joiners, Hangul jamo,
    /// regional indicators, prepended marks or CR. Strings with a <c>minLength</c> begin with that many of these, so
    /// they meet the minimum whether a validator counts code points (as the JSON Schema spec says) or grapheme
    /// clusters (as some .NET validators do).
    /// </summary>
    public static CodePointSet Standalone => s_standalone.Value;

    /// <summary>
    /// An optional space before a whole JSON output (whitespace JSON permits): SentencePiece vocabularies spell a
    /// text's first word with one (<c>▁{</c>), and a model writes its answer the way the tokenizer spells it.
    /// </summary>
    public static GrammarExpr LeadingSpace { get; } = GrammarExpr.Optional(GrammarExpr.Lit(" "));

    /// <summary>Whitespace allowed where JSON permits it, per the options.</summary>
    public static GrammarExpr Whitespace(ConstraintOptions options) => options.MaxWhitespace == 0
        ? GrammarExpr.Empty
        : GrammarExpr.Repeat(new BytesExpr(ByteSet.Of(" \t\n\r")), 0, options.MaxWhitespace);

    /// <summary>The characters of <paramref name="set"/> as they are written inside a JSON string.</summary>
    public static GrammarExpr EncodedChars(CodePointSet set)
    {
        var plain = set.Intersect(Unescaped);
        var options = new List<GrammarExpr>();
        if (!plain.IsEmpty)
        {
            options.Add(GrammarExpr.Chars(plain));
        }
        foreach (var (lo, hi) in set.Subtract(Unescaped).Ranges)
        {
            for (var cp = lo; cp <= hi; cp++)
            {
                options.Add(GrammarExpr.Lit(Escape(cp)));
            }
        }
        return GrammarExpr.Alt(options);
    }

    /// <summary>One character as written inside a JSON string (escaped where JSON requires it).</summary>
    public static GrammarExpr EncodedChar(int codePoint) =>
        Unescaped.Contains(codePoint) ? GrammarExpr.Lit(char.ConvertFromUtf32(codePoint)) : GrammarExpr.Lit(Escape(codePoint));

    /// <summary>A JSON string literal for <paramref name="text"/>, as UTF-8.</summary>
    public static GrammarExpr StringLiteral(string text)
    {
        var sb = new StringBuilder("\"");
        for (var i = 0; i < text.Length; i += char.IsSurrogatePair(text, i) ? 2 : 1)
        {
            var cp = char.IsSurrogate(text[i]) && !char.IsSurrogatePair(text, i) ? 0xFFFD : char.ConvertToUtf32(text, i);
            sb.Append(Unescaped.Contains(cp) ? char.ConvertFromUtf32(cp) : Escape(cp));
        }
        return GrammarExpr.Lit(sb.Append('"').ToString());
    }

    /// <summary>Defines the shared string and any-value rules (once per builder).</summary>
    public static void DefineCommonRules(GrammarBuilder builder, ConstraintOptions options)
    {
        if (builder.IsDefined(CharRule))
        {
            return;
        }
        var hex = GrammarExpr.Chars(CodePointSet.FromRanges([('0', '9'), ('a', 'f'), ('A', 'F')]));
        // \uXXXX escapes of lone surrogates are not valid text, so D800-DFFF are excluded.
        var hex4 = GrammarExpr.Alt(
            GrammarExpr.Seq(GrammarExpr.Chars(CodePointSet.FromRanges([('0', '9'), ('a', 'c'), ('A', 'C'), ('e', 'f'), ('E', 'F')])), hex, hex, hex),
            GrammarExpr.Seq(GrammarExpr.Chars("dD"), GrammarExpr.Range('0', '7'), hex, hex));
        builder.Define(CharRule, GrammarExpr.Alt(
            GrammarExpr.Chars(Unescaped),
            GrammarExpr.Seq(GrammarExpr.Lit("\\"), GrammarExpr.Alt(GrammarExpr.Chars("\"\\/bfnrt"), GrammarExpr.Seq(GrammarExpr.Lit("u"), hex4)))));
        var controlEscape = GrammarExpr.Seq(GrammarExpr.Lit("u00"), GrammarExpr.Alt(
            GrammarExpr.Seq(GrammarExpr.Lit("0"), GrammarExpr.Chars(CodePointSet.FromRanges([('0', '9'), ('a', 'c'), ('A', 'C'), ('e', 'f'), ('E', 'F')]))),
            GrammarExpr.Seq(GrammarExpr.Lit("1"), hex)));
        builder.Define(CountedCharRule, GrammarExpr.Alt(
            GrammarExpr.Chars(Unescaped.Intersect(Standalone)),
            GrammarExpr.Seq(GrammarExpr.Lit("\\"), GrammarExpr.Alt(GrammarExpr.Chars("\"\\/bfnt"), controlEscape))));
        builder.Define(StringRule, GrammarExpr.Seq(GrammarExpr.Lit("\""), GrammarExpr.Star(GrammarExpr.Ref(CharRule)), GrammarExpr.Lit("\"")));
        builder.Define(NumberRule, JsonNumbers.Unbounded());

        var ws = Whitespace(options);
        var comma = GrammarExpr.Seq(ws, GrammarExpr.Lit(","), ws);
        var member = GrammarExpr.Seq(GrammarExpr.Ref(StringRule), ws, GrammarExpr.Lit(":"), ws, GrammarExpr.Ref(ValueRule));
        builder.Define(ObjectRule, GrammarExpr.Seq(
            GrammarExpr.Lit("{"), ws,
            GrammarExpr.Optional(GrammarExpr.Seq(member, GrammarExpr.Star(GrammarExpr.Seq(comma, member)))),
            ws, GrammarExpr.Lit("}")), nesting: true);
        var value = GrammarExpr.Ref(ValueRule);
        builder.Define(ArrayRule, GrammarExpr.Seq(
            GrammarExpr.Lit("["), ws,
            GrammarExpr.Optional(GrammarExpr.Seq(value, GrammarExpr.Star(GrammarExpr.Seq(comma, value)))),
            ws, GrammarExpr.Lit("]")), nesting: true);
        builder.Define(ValueRule, GrammarExpr.Alt(
            GrammarExpr.Ref(ObjectRule), GrammarExpr.Ref(ArrayRule), GrammarExpr.Ref(StringRule), GrammarExpr.Ref(NumberRule),
            GrammarExpr.Lit("true"), GrammarExpr.Lit("false"), GrammarExpr.Lit("null")));
    }

    private static CodePointSet BuildStandalone()
    {
        var ranges = new List<(int, int)>();
        Span<char> buffer = stackalloc char[5];
        for (var cp = 0; cp <= CodePointSet.MaxCodePoint; cp++)
        {
            if (cp is >= 0xD800 and <= 0xDFFF or '\r' or >= 0x1100 and <= 0x11FF or >= 0xA960 and <= 0xA97F or >= 0xD7B0 and <= 0xD7FF
                or >= 0x1F1E6 and <= 0x1F1FF)
            {
                continue;
            }
            var length = new Rune(cp).EncodeToUtf16(buffer[1..]);
            buffer[0] = 'a';
            buffer[length + 1] = 'a';
            // Neither attaches to the character before it nor pulls in the one after it.
            if (StringInfo.GetNextTextElementLength(buffer[..(length + 1)]) == 1
                && StringInfo.GetNextTextElementLength(buffer.Slice(1, length + 1)) == length)
            {
                if (ranges.Count > 0 && ranges[^1].Item2 == cp - 1)
                {
                    ranges[^1] = (ranges[^1].Item1, cp);
                }
                else
                {
                    ranges.Add((cp, cp));
                }
            }
        }
        return CodePointSet.FromRanges(ranges);
    }

    private static string Escape(int cp) => cp switch
    {
        '"' => "\\\"",
        '\\' => "\\\\",
        '\b' => "\\b",
        '\f' => "\\f",
        '\n' => "\\n",
        '\r' => "\\r",
        '\t' => "\\t",
        _ => $"\\u{cp:x4}",
    };
}
