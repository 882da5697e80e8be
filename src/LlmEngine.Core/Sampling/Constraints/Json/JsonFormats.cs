using LlmEngine.Sampling.Constraints.Grammars;

namespace LlmEngine.Sampling.Constraints.Json;

/// <summary>
/// String contents for the supported <c>format</c> values. Each grammar produces only valid values (real calendar
/// dates, in-range times), a subset of what the format admits.
/// </summary>
internal static class JsonFormats
{
    public static IReadOnlyList<string> Supported { get; } = ["date-time", "date", "time", "uuid", "email", "ipv4"];

    public static GrammarExpr? Get(string format) => format switch
    {
        "date" => Date(),
        "time" => Time(),
        "date-time" => GrammarExpr.Seq(Date(), GrammarExpr.Lit("T"), Time()),
        "uuid" => Uuid(),
        "email" => Email(),
        "ipv4" => Ipv4(),
        _ => null,
    };

    private static GrammarExpr D => GrammarExpr.Range('0', '9');

    private static GrammarExpr Lit(string s) => GrammarExpr.Lit(s);

    private static GrammarExpr Date()
    {
        static GrammarExpr Months(params string[] months) => GrammarExpr.Alt([.. months.Select(Lit)]);
        var day28 = GrammarExpr.Alt(GrammarExpr.Seq(Lit("0"), GrammarExpr.Range('1', '9')), GrammarExpr.Seq(Lit("1"), D), GrammarExpr.Seq(Lit("2"), GrammarExpr.Range('0', '8')));
        var day30 = GrammarExpr.Alt(GrammarExpr.Seq(Lit("0"), GrammarExpr.Range('1', '9')), GrammarExpr.Seq(GrammarExpr.Chars("12"), D), Lit("30"));
        var day31 = GrammarExpr.Alt(day30, Lit("31"));
        var monthDay = GrammarExpr.Alt(
            GrammarExpr.Seq(Months("01", "03", "05", "07", "08", "10", "12"), Lit("-"), day31),
            GrammarExpr.Seq(Months("04", "06", "09", "11"), Lit("-"), day30),
            GrammarExpr.Seq(Lit("02-"), day28));
        return GrammarExpr.Seq(GrammarExpr.Range('1', '9'), GrammarExpr.Repeat(D, 3, 3), Lit("-"), monthDay);
    }

    private static GrammarExpr Time()
    {
        var hour = GrammarExpr.Alt(GrammarExpr.Seq(GrammarExpr.Chars("01"), D), GrammarExpr.Seq(Lit("2"), GrammarExpr.Range('0', '3')));
        var sixty = GrammarExpr.Seq(GrammarExpr.Range('0', '5'), D);
        var offset = GrammarExpr.Alt(Lit("Z"), GrammarExpr.Seq(GrammarExpr.Chars("+-"), hour, Lit(":"), sixty));
        return GrammarExpr.Seq(hour, Lit(":"), sixty, Lit(":"), sixty,
            GrammarExpr.Optional(GrammarExpr.Seq(Lit("."), GrammarExpr.Repeat(D, 1, 6))), offset);
    }

    private static GrammarExpr Uuid()
    {
        var hex = GrammarExpr.Chars(CodePointSet.FromRanges([('0', '9'), ('a', 'f'), ('A', 'F')]));
        GrammarExpr Hex(int n) => GrammarExpr.Repeat(hex, n, n);
        return GrammarExpr.Seq(Hex(8), Lit("-"), Hex(4), Lit("-"), Hex(4), Lit("-"), Hex(4), Lit("-"), Hex(12));
    }

    private static GrammarExpr Email()
    {
        var alnum = GrammarExpr.Chars(CodePointSet.FromRanges([('0', '9'), ('a', 'z'), ('A', 'Z')]));
        var atom = GrammarExpr.Repeat(GrammarExpr.Chars(CodePointSet.FromRanges([('0', '9'), ('a', 'z'), ('A', 'Z'), ('_', '_'), ('+', '+'), ('-', '-')])), 1, 16);
        var local = GrammarExpr.Seq(atom, GrammarExpr.Repeat(GrammarExpr.Seq(Lit("."), atom), 0, 3));
        var label = GrammarExpr.Seq(alnum, GrammarExpr.Optional(GrammarExpr.Seq(
            GrammarExpr.Repeat(GrammarExpr.Chars(CodePointSet.FromRanges([('0', '9'), ('a', 'z'), ('A', 'Z'), ('-', '-')])), 0, 20), alnum)));
        var tld = GrammarExpr.Repeat(GrammarExpr.Chars(CodePointSet.FromRanges([('a', 'z'), ('A', 'Z')])), 2, 12);
        return GrammarExpr.Seq(local, Lit("@"), GrammarExpr.Repeat(GrammarExpr.Seq(label, Lit(".")), 1, 3), tld);
    }

    private static GrammarExpr Ipv4()
    {
        var octet = GrammarExpr.Alt(
            GrammarExpr.Seq(Lit("25"), GrammarExpr.Range('0', '5')),
            GrammarExpr.Seq(Lit("2"), GrammarExpr.Range('0', '4'), D),
            GrammarExpr.Seq(Lit("1"), D, D),
            GrammarExpr.Seq(GrammarExpr.Range('1', '9'), D),
            D);
        return GrammarExpr.Seq(octet, GrammarExpr.Repeat(GrammarExpr.Seq(Lit("."), octet), 3, 3));
    }
}
