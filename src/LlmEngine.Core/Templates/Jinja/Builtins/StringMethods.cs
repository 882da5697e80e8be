using System.Text;

namespace LlmEngine.Templates.Jinja;

/// <summary>The Python str methods templates call: <c>content.startswith('&lt;think&gt;')</c>, <c>.split()</c>, ...</summary>
internal static class StringMethods
{
    private delegate JinjaValue Method(string self, Arguments args);

    private static readonly Dictionary<string, Method> s_methods = new(StringComparer.Ordinal)
    {
        ["startswith"] = (s, a) => JinjaBool.Of(AffixMatch(s, a, "startswith", prefix: true)),
        ["endswith"] = (s, a) => JinjaBool.Of(AffixMatch(s, a, "endswith", prefix: false)),
        ["split"] = (s, a) => new JinjaList(PythonStrings.Split(s, Separator(a), MaxSplit(a), fromRight: false)),
        ["rsplit"] = (s, a) => new JinjaList(PythonStrings.Split(s, Separator(a), MaxSplit(a), fromRight: true)),
        ["strip"] = (s, a) => JinjaString.Of(PythonStrings.Strip(s, Chars(a), left: true, right: true)),
        ["lstrip"] = (s, a) => JinjaString.Of(PythonStrings.Strip(s, Chars(a), left: true, right: false)),
        ["rstrip"] = (s, a) => JinjaString.Of(PythonStrings.Strip(s, Chars(a), left: false, right: true)),
        ["upper"] = (s, _) => JinjaString.Of(s.ToUpperInvariant()),
        ["lower"] = (s, _) => JinjaString.Of(s.ToLowerInvariant()),
        ["casefold"] = (s, _) => JinjaString.Of(s.ToLowerInvariant()),
        ["title"] = (s, _) => JinjaString.Of(PythonStrings.Title(s)),
        ["capitalize"] = (s, _) => JinjaString.Of(PythonStrings.Capitalize(s)),
        ["swapcase"] = (s, _) => JinjaString.Of(SwapCase(s)),
        ["replace"] = (s, a) => JinjaString.Of(Replace(s, Str(a, 0, "old", "replace"), Str(a, 1, "new", "replace"),
            a.Get(2, "count") is { } n ? Operators.ToLong(n) : -1)),
        ["find"] = (s, a) => JinjaInt.Of(Find(s, a, "find", last: false)),
        ["rfind"] = (s, a) => JinjaInt.Of(Find(s, a, "rfind", last: true)),
        ["index"] = (s, a) => JinjaInt.Of(FoundOrFail(Find(s, a, "index", last: false))),
        ["rindex"] = (s, a) => JinjaInt.Of(FoundOrFail(Find(s, a, "rindex", last: true))),
        ["count"] = (s, a) => JinjaInt.Of(Count(s, Str(a, 0, "x", "count"))),
        ["format"] = (s, a) => JinjaString.Of(StrFormat.Format(s, a)),
        ["join"] = (s, a) => JinjaString.Of(Join(s, a.Require(0, "iterable", "join"))),
        ["splitlines"] = (s, a) => new JinjaList(PythonStrings.SplitLines(s, a.Get(0, "keepends")?.IsTruthy ?? false)),
        ["isdigit"] = (s, _) => JinjaBool.Of(s.Length > 0 && All(s, char.IsDigit)),
        ["isdecimal"] = (s, _) => JinjaBool.Of(s.Length > 0 && All(s, char.IsDigit)),
        ["isnumeric"] = (s, _) => JinjaBool.Of(s.Length > 0 && All(s, char.IsNumber)),
        ["isalpha"] = (s, _) => JinjaBool.Of(s.Length > 0 && All(s, char.IsLetter)),
        ["isalnum"] = (s, _) => JinjaBool.Of(s.Length > 0 && All(s, char.IsLetterOrDigit)),
        ["isspace"] = (s, _) => JinjaBool.Of(s.Length > 0 && All(s, PythonStrings.IsWhiteSpace)),
        ["islower"] = (s, _) => JinjaBool.Of(s.Any(char.IsLower) && !s.Any(char.IsUpper)),
        ["isupper"] = (s, _) => JinjaBool.Of(s.Any(char.IsUpper) && !s.Any(char.IsLower)),
        ["zfill"] = (s, a) => JinjaString.Of(ZFill(s, (int)Operators.ToLong(a.Require(0, "width", "zfill")))),
        ["center"] = (s, a) => JinjaString.Of(Center(s, (int)Operators.ToLong(a.Require(0, "width", "center")), FillChar(a))),
        ["ljust"] = (s, a) => JinjaString.Of(s.PadRight((int)Operators.ToLong(a.Require(0, "width", "ljust")), FillChar(a))),
        ["rjust"] = (s, a) => JinjaString.Of(s.PadLeft((int)Operators.ToLong(a.Require(0, "width", "rjust")), FillChar(a))),
        ["partition"] = (s, a) => Partition(s, Str(a, 0, "sep", "partition"), last: false),
        ["rpartition"] = (s, a) => Partition(s, Str(a, 0, "sep", "rpartition"), last: true),
        ["removeprefix"] = (s, a) => JinjaString.Of(s.StartsWith(Str(a, 0, "prefix", "removeprefix"), StringComparison.Ordinal) ? s[Str(a, 0, "prefix", "removeprefix").Length..] : s),
        ["removesuffix"] = (s, a) => JinjaString.Of(Str(a, 0, "suffix", "removesuffix") is var x && x.Length > 0 && s.EndsWith(x, StringComparison.Ordinal) ? s[..^x.Length] : s),
    };

    /// <summary>The bound method <paramref name="name"/> of <paramref name="self"/>, or null when str has none.</summary>
    public static JinjaCallable? TryBind(JinjaString self, string name) => s_methods.TryGetValue(name, out var method)
        ? new JinjaCallable(name, (_, args) => method(self.Value, args))
        : null;

    /// <summary>Python's <c>str.center</c> (the <c>center</c> filter uses it too).</summary>
    public static string Center(string s, int width, char fill = ' ')
    {
        var margin = width - s.Length;
        if (margin <= 0)
        {
            return s;
        }
        var left = (margin / 2) + (margin & width & 1);
        return new string(fill, left) + s + new string(fill, margin - left);
    }

    /// <summary>Python's <c>str.replace</c> with an optional count.</summary>
    public static string Replace(string s, string old, string replacement, long count)
    {
        if (count < 0)
        {
            return old.Length == 0 ? InsertEverywhere(s, replacement) : s.Replace(old, replacement, StringComparison.Ordinal);
        }
        var sb = new StringBuilder(s.Length);
        var start = 0;
        for (var done = 0L; done < count; done++)
        {
            var at = old.Length == 0 ? (start <= s.Length ? start : -1) : s.IndexOf(old, start, StringComparison.Ordinal);
            if (at < 0)
            {
                break;
            }
            sb.Append(s, start, at - start).Append(replacement);
            if (old.Length == 0)
            {
                if (at < s.Length)
                {
                    sb.Append(s[at]);
                }
                start = at + 1;
            }
            else
            {
                start = at + old.Length;
            }
        }
        if (start < s.Length)
        {
            sb.Append(s, start, s.Length - start);
        }
        return sb.ToString();
    }

    /// <summary>Python's <c>sep.join(iterable)</c>: every item must be a string.</summary>
    public static string Join(string separator, JinjaValue iterable)
    {
        var sb = new StringBuilder();
        var items = iterable.Iterate();
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i] is not JinjaString s)
            {
                throw new TemplateError($"sequence item {i}: expected str instance, {items[i].TypeName} found");
            }
            if (i > 0)
            {
                sb.Append(separator);
            }
            sb.Append(s.Value);
        }
        return sb.ToString();
    }

    private static string Str(Arguments args, int position, string name, string method)
    {
        var value = args.Require(position, name, method);
        return value is JinjaString s ? s.Value : throw new TemplateError($"{method}() argument must be str, not {value.TypeName}");
    }

    private static string? Separator(Arguments args) => args.Get(0, "sep") is JinjaString s ? s.Value : null;

    private static long MaxSplit(Arguments args) => args.Get(1, "maxsplit") is { } n ? Operators.ToLong(n) : -1;

    private static string? Chars(Arguments args) => args.Get(0, "chars") is JinjaString s ? s.Value : null;

    private static char FillChar(Arguments args) => args.Get(1, "fillchar") is JinjaString { Value.Length: 1 } s ? s.Value[0] : ' ';

    private static bool All(string s, Func<char, bool> predicate)
    {
        foreach (var c in s)
        {
            if (!predicate(c))
            {
                return false;
            }
        }
        return true;
    }

    private static (int Start, int End) Range(string s, Arguments args)
    {
        var start = args.Get(1, "start") is { IsNone: false } a ? (int)Operators.ToLong(a) : 0;
        var end = args.Get(2, "end") is { IsNone: false } b ? (int)Operators.ToLong(b) : s.Length;
        if (start < 0)
        {
            start = Math.Max(0, start + s.Length);
        }
        if (end < 0)
        {
            end = Math.Max(0, end + s.Length);
        }
        return (Math.Min(start, s.Length), Math.Min(end, s.Length));
    }

    private static bool AffixMatch(string s, Arguments args, string method, bool prefix)
    {
        var affix = args.Require(0, prefix ? "prefix" : "suffix", method);
        var (start, end) = Range(s, args);
        if (start > end)
        {
            return false;
        }
        var span = s.AsSpan(start, end - start);
        IReadOnlyList<JinjaValue> candidates = affix is JinjaList { IsTuple: true } tuple ? tuple.Items : [affix];
        foreach (var candidate in candidates)
        {
            if (candidate is not JinjaString c)
            {
                throw new TemplateError($"{method} first arg must be str or a tuple of str, not {candidate.TypeName}");
            }
            if (prefix ? span.StartsWith(c.Value, StringComparison.Ordinal) : span.EndsWith(c.Value, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }

    private static long Find(string s, Arguments args, string method, bool last)
    {
        var needle = Str(args, 0, "sub", method);
        var (start, end) = Range(s, args);
        if (start > end)
        {
            return -1;
        }
        var span = s.AsSpan(start, end - start);
        var at = last ? span.LastIndexOf(needle, StringComparison.Ordinal) : span.IndexOf(needle, StringComparison.Ordinal);
        return at < 0 ? -1 : at + start;
    }

    private static long FoundOrFail(long index) => index >= 0 ? index : throw new TemplateError("substring not found");

    private static long Count(string s, string needle)
    {
        if (needle.Length == 0)
        {
            return PythonStrings.CodePointCount(s) + 1;
        }
        var count = 0L;
        for (var at = s.IndexOf(needle, StringComparison.Ordinal); at >= 0; at = s.IndexOf(needle, at + needle.Length, StringComparison.Ordinal))
        {
            count++;
        }
        return count;
    }

    private static string SwapCase(string s)
    {
        var chars = s.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = char.IsUpper(chars[i]) ? char.ToLowerInvariant(chars[i]) : char.ToUpperInvariant(chars[i]);
        }
        return new string(chars);
    }

    private static string ZFill(string s, int width)
    {
        if (s.Length >= width)
        {
            return s;
        }
        var signed = s.Length > 0 && s[0] is '+' or '-';
        return signed ? s[0] + new string('0', width - s.Length) + s[1..] : new string('0', width - s.Length) + s;
    }

    private static JinjaList Partition(string s, string separator, bool last)
    {
        var at = last ? s.LastIndexOf(separator, StringComparison.Ordinal) : s.IndexOf(separator, StringComparison.Ordinal);
        if (at < 0)
        {
            return last
                ? JinjaList.Tuple(JinjaString.Empty, JinjaString.Empty, JinjaString.Of(s))
                : JinjaList.Tuple(JinjaString.Of(s), JinjaString.Empty, JinjaString.Empty);
        }
        return JinjaList.Tuple(JinjaString.Of(s[..at]), JinjaString.Of(separator), JinjaString.Of(s[(at + separator.Length)..]));
    }

    private static string InsertEverywhere(string s, string insert)
    {
        var sb = new StringBuilder(s.Length + (insert.Length * (s.Length + 1)));
        sb.Append(insert);
        foreach (var c in s)
        {
            sb.Append(c).Append(insert);
        }
        return sb.ToString();
    }
}
