using System.Globalization;
using LlmEngine.Sampling.Constraints.Grammars;

namespace LlmEngine.Sampling.Constraints.Json;

/// <summary>
/// Grammars for JSON integers and numbers, optionally within bounds. Integers have at most 18 digits (they fit a
/// <see cref="long"/>); numbers at most 16 integer and 16 fraction digits and a two-digit exponent, so a model cannot
/// loop on digits and every value is a finite double.
/// </summary>
internal static class JsonNumbers
{
    public const long Cap = 999_999_999_999_999_999;

    private static GrammarExpr Digit => GrammarExpr.Range('0', '9');

    private static GrammarExpr Fraction => GrammarExpr.Seq(GrammarExpr.Lit("."), GrammarExpr.Repeat(Digit, 1, 16));

    private static GrammarExpr NonZeroFraction =>
        GrammarExpr.Seq(GrammarExpr.Lit("."), GrammarExpr.Repeat(Digit, 0, 15), GrammarExpr.Range('1', '9'));

    /// <summary>Any JSON number.</summary>
    public static GrammarExpr Unbounded() => GrammarExpr.Seq(
        GrammarExpr.Optional(GrammarExpr.Lit("-")),
        GrammarExpr.Alt(GrammarExpr.Lit("0"), GrammarExpr.Seq(GrammarExpr.Range('1', '9'), GrammarExpr.Repeat(Digit, 0, 15))),
        GrammarExpr.Optional(Fraction),
        GrammarExpr.Optional(GrammarExpr.Seq(GrammarExpr.Chars("eE"), GrammarExpr.Optional(GrammarExpr.Chars("+-")), GrammarExpr.Repeat(Digit, 1, 2))));

    /// <summary>Integers in [<paramref name="lo"/>, <paramref name="hi"/>] (null: unbounded on that side); null when empty.</summary>
    public static GrammarExpr? Integer(long? lo, long? hi)
    {
        if (lo is null && hi is null)
        {
            return GrammarExpr.Alt(
                GrammarExpr.Lit("0"),
                GrammarExpr.Seq(GrammarExpr.Optional(GrammarExpr.Lit("-")), GrammarExpr.Range('1', '9'), GrammarExpr.Repeat(Digit, 0, 17)));
        }
        var low = Math.Max(lo ?? -Cap, -Cap);
        var high = Math.Min(hi ?? Cap, Cap);
        if (low > high)
        {
            return null;
        }
        var options = new List<GrammarExpr>();
        if (low < 0)
        {
            var negHigh = Math.Min(high, -1);
            options.Add(GrammarExpr.Seq(GrammarExpr.Lit("-"), Magnitudes(-negHigh, -low)));
        }
        if (high >= 0)
        {
            options.Add(Magnitudes(Math.Max(low, 0), high));
        }
        return GrammarExpr.Alt(options);
    }

    /// <summary>
    /// Numbers within the bounds, without exponent: whole numbers in range, plus numbers with a fraction wherever
    /// the whole unit interval they fall in is inside the range (a sound subset of the range); null when empty.
    /// </summary>
    public static GrammarExpr? Bounded(double? lo, bool loExclusive, double? hi, bool hiExclusive)
    {
        var lowK = lo is { } l ? ClampToLong(loExclusive ? Math.Floor(l) + 1 : Math.Ceiling(l)) : -Cap;
        var highK = hi is { } h ? ClampToLong(hiExclusive ? Math.Ceiling(h) - 1 : Math.Floor(h)) : Cap;
        var options = new List<GrammarExpr>();
        if (Integer(lowK, highK) is { } whole)
        {
            options.Add(whole);
        }

        // k.f lies in [k, k + 1): k >= lo, k + 1 <= hi; at an exclusive integer lower bound k = lo needs f > 0.
        var posLow = lo is { } l1 ? ClampToLong(Math.Max(0, Math.Ceiling(l1))) : 0;
        var posHigh = hi is { } h1 ? ClampToLong(Math.Floor(h1) - 1) : Cap;
        if (lo is { } l2 && loExclusive && l2 == posLow && posLow <= posHigh)
        {
            options.Add(GrammarExpr.Seq(GrammarExpr.Lit(posLow.ToString(CultureInfo.InvariantCulture)), NonZeroFraction));
            posLow++;
        }
        if (posLow <= posHigh)
        {
            options.Add(GrammarExpr.Seq(Magnitudes(posLow, posHigh), Fraction));
        }

        // -K.f lies in (k - 1, k] for k = -K: k <= hi, k - 1 >= lo; at an exclusive integer upper bound k = hi needs f > 0.
        var negLow = lo is { } l3 ? ClampToLong(Math.Ceiling(l3) + 1) : -Cap;
        var negHigh = hi is { } h2 ? ClampToLong(Math.Min(-1, Math.Floor(h2))) : -1;
        if (hi is { } h3 && hiExclusive && h3 == negHigh && negLow <= negHigh)
        {
            options.Add(GrammarExpr.Seq(GrammarExpr.Lit("-" + (-negHigh).ToString(CultureInfo.InvariantCulture)), NonZeroFraction));
            negHigh--;
        }
        if (negLow <= negHigh)
        {
            options.Add(GrammarExpr.Seq(GrammarExpr.Lit("-"), Magnitudes(-negHigh, -negLow), Fraction));
        }

        // -0.f lies in (-1, 0]: needs lo <= -1 and 0 within the upper bound (below an exclusive 0 only with f > 0).
        if (lo is not { } l4 || l4 <= -1)
        {
            if (hi is not { } h4 || h4 > 0 || (h4 == 0 && !hiExclusive))
            {
                options.Add(GrammarExpr.Seq(GrammarExpr.Lit("-0"), Fraction));
            }
            else if (h4 == 0)
            {
                options.Add(GrammarExpr.Seq(GrammarExpr.Lit("-0"), NonZeroFraction));
            }
        }
        return options.Count == 0 ? null : GrammarExpr.Alt(options);
    }

    private static long ClampToLong(double value) => value <= -Cap ? -Cap : value >= Cap ? Cap : (long)value;

    // Decimal magnitudes a..b (0 <= a <= b) without leading zeros, split by digit count.
    private static GrammarExpr Magnitudes(long a, long b)
    {
        var options = new List<GrammarExpr>();
        var digitsA = Digits(a);
        var digitsB = Digits(b);
        for (var length = digitsA; length <= digitsB; length++)
        {
            var lo = length == digitsA ? a : Pow10(length - 1);
            var hi = length == digitsB ? b : Pow10(length) - 1;
            options.Add(SameLength(lo.ToString(CultureInfo.InvariantCulture), hi.ToString(CultureInfo.InvariantCulture)));
        }
        return GrammarExpr.Alt(options);
    }

    private static GrammarExpr SameLength(string lo, string hi)
    {
        if (lo.Length == 0)
        {
            return GrammarExpr.Empty;
        }
        if (lo == hi)
        {
            return GrammarExpr.Lit(lo);
        }
        if (lo[0] == hi[0])
        {
            return GrammarExpr.Seq(GrammarExpr.Lit(lo[..1]), SameLength(lo[1..], hi[1..]));
        }
        var rest = lo.Length - 1;
        var loAllZero = lo.AsSpan(1).IndexOfAnyExcept('0') < 0;
        var hiAllNine = hi.AsSpan(1).IndexOfAnyExcept('9') < 0;
        var options = new List<GrammarExpr>();
        if (!loAllZero)
        {
            options.Add(GrammarExpr.Seq(GrammarExpr.Lit(lo[..1]), SameLength(lo[1..], new string('9', rest))));
        }
        var midLo = (char)(lo[0] + (loAllZero ? 0 : 1));
        var midHi = (char)(hi[0] - (hiAllNine ? 0 : 1));
        if (midLo <= midHi)
        {
            options.Add(GrammarExpr.Seq(GrammarExpr.Range(midLo, midHi), GrammarExpr.Repeat(Digit, rest, rest)));
        }
        if (!hiAllNine)
        {
            options.Add(GrammarExpr.Seq(GrammarExpr.Lit(hi[..1]), SameLength(new string('0', rest), hi[1..])));
        }
        return GrammarExpr.Alt(options);
    }

    private static int Digits(long value) => value < 10 ? 1 : 1 + Digits(value / 10);

    private static long Pow10(int exponent)
    {
        long result = 1;
        for (var i = 0; i < exponent; i++)
        {
            result *= 10;
        }
        return result;
    }
}
