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
    public const string StringRule = "json-string";
    public const string ValueRule = "json-value";
    public const string ObjectRule = "json-object";
    public const string ArrayRule = "json-array";
    public const string NumberRule = "json-number";

    /// <summary>Characters a JSON string may hold unescaped.</summary>
    public static CodePointSet Unescaped { get; } = CodePointSet.Range(0x20, CodePointSet.MaxCodePoint).Subtract(CodePointSet.Of("\"\\"));

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
