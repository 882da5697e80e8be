using System.Text;
using System.Text.RegularExpressions;

namespace LlmEngine.Templates.Jinja;

/// <summary>Jinja's string filters.</summary>
internal static partial class StringFilters
{
    /// <summary><c>trim(chars=None)</c>.</summary>
    public static JinjaValue Trim(Interpreter interpreter, JinjaValue value, Arguments args) =>
        JinjaString.Of(PythonStrings.Strip(value.ToStr(), args.Get(0, "chars") is JinjaString c ? c.Value : null, left: true, right: true));

    /// <summary><c>title</c>: Jinja's own word splitting (on whitespace and <c>-([{&lt;</c>), not Python's str.title.</summary>
    public static JinjaValue Title(Interpreter interpreter, JinjaValue value, Arguments args)
    {
        var s = value.ToStr();
        var sb = new StringBuilder(s.Length);
        var atWordStart = true;
        foreach (var c in s)
        {
            var isBoundary = PythonStrings.IsWhiteSpace(c) || c is '-' or '(' or '{' or '[' or '<';
            sb.Append(isBoundary ? c : atWordStart ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c));
            atWordStart = isBoundary;
        }
        return JinjaString.Of(sb.ToString());
    }

    /// <summary><c>replace(old, new, count=None)</c>.</summary>
    public static JinjaValue Replace(Interpreter interpreter, JinjaValue value, Arguments args)
    {
        var count = args.Get(2, "count") is { IsNone: false } n ? Operators.ToLong(n) : -1;
        var result = StringMethods.Replace(value.ToStr(), args.Require(0, "old", "replace").ToStr(), args.Require(1, "new", "replace").ToStr(), count);
        Operators.CheckLength(result.Length, interpreter.Options.MaxOutputLength);
        return JinjaString.Of(result);
    }

    /// <summary><c>indent(width=4, first=False, blank=False)</c>, with Jinja 3's handling of blank lines.</summary>
    public static JinjaValue Indent(Interpreter interpreter, JinjaValue value, Arguments args)
    {
        var width = args.Get(0, "width", JinjaInt.Of(4));
        var indention = width is JinjaString ws ? ws.Value : new string(' ', (int)Math.Max(0, Operators.ToLong(width)));
        var first = args.Get(1, "first")?.IsTruthy ?? false;
        var blank = args.Get(2, "blank")?.IsTruthy ?? false;
        var lines = PythonStrings.SplitLines(value.ToStr() + "\n", keepEnds: false);
        var sb = new StringBuilder();
        for (var i = 0; i < lines.Count; i++)
        {
            var line = ((JinjaString)lines[i]).Value;
            if (i > 0)
            {
                sb.Append('\n');
                if (blank || line.Length > 0)
                {
                    sb.Append(indention);
                }
            }
            sb.Append(line);
        }
        var result = first ? indention + sb : sb.ToString();
        Operators.CheckLength(result.Length, interpreter.Options.MaxOutputLength);
        return JinjaString.Of(result);
    }

    /// <summary><c>format(*args, **kwargs)</c>: printf-style formatting of the value.</summary>
    public static JinjaValue Format(Interpreter interpreter, JinjaValue value, Arguments args)
    {
        if (args.Count > 0 && args.Keywords is { Count: > 0 })
        {
            throw new TemplateError("can't handle positional and keyword arguments at the same time");
        }
        JinjaValue values;
        if (args.Keywords is { Count: > 0 })
        {
            var dict = new JinjaDict();
            foreach (var (key, v) in args.Keywords)
            {
                dict.Set(key, v);
            }
            values = dict;
        }
        else
        {
            values = new JinjaList([.. args.Positional], isTuple: true);
        }
        return JinjaString.Of(PercentFormat.Format(value.ToStr(), values));
    }

    /// <summary><c>striptags</c>: drop comments and tags, unescape entities, collapse whitespace.</summary>
    public static JinjaValue StripTags(Interpreter interpreter, JinjaValue value, Arguments args)
    {
        var text = CommentRegex().Replace(value.ToStr(), string.Empty);
        text = TagRegex().Replace(text, string.Empty);
        text = System.Net.WebUtility.HtmlDecode(text);
        var parts = PythonStrings.Split(text, null, -1, fromRight: false);
        return JinjaString.Of(StringMethods.Join(" ", new JinjaList(parts)));
    }

    /// <summary><c>e</c> / <c>escape</c>: HTML-escape <c>&amp; &lt; &gt; " '</c> as markupsafe does.</summary>
    public static JinjaValue Escape(Interpreter interpreter, JinjaValue value, Arguments args)
    {
        var s = value.ToStr();
        var sb = new StringBuilder(s.Length + 8);
        foreach (var c in s)
        {
            sb.Append(c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&#34;",
                '\'' => "&#39;",
                _ => null,
            } ?? c.ToString());
        }
        return JinjaString.Of(sb.ToString());
    }

    /// <summary><c>wordcount</c>: the number of <c>\w+</c> runs.</summary>
    public static JinjaValue WordCount(Interpreter interpreter, JinjaValue value, Arguments args) =>
        JinjaInt.Of(WordRegex().Count(value.ToStr()));

    /// <summary><c>truncate(length=255, killwords=False, end='...', leeway=5)</c>.</summary>
    public static JinjaValue Truncate(Interpreter interpreter, JinjaValue value, Arguments args)
    {
        var s = value.ToStr();
        var length = (int)Operators.ToLong(args.Get(0, "length", JinjaInt.Of(255)));
        var killWords = args.Get(1, "killwords")?.IsTruthy ?? false;
        var end = args.Get(2, "end")?.ToStr() ?? "...";
        var leeway = args.Get(3, "leeway") is { IsNone: false } l ? (int)Operators.ToLong(l) : 5;
        if (length < end.Length)
        {
            throw new TemplateError($"expected length >= {end.Length}, got {length}");
        }
        if (s.Length <= length + leeway)
        {
            return JinjaString.Of(s);
        }
        var cut = s[..(length - end.Length)];
        if (!killWords)
        {
            var space = cut.LastIndexOf(' ');
            if (space >= 0)
            {
                cut = cut[..space];
            }
        }
        return JinjaString.Of(cut + end);
    }

    [GeneratedRegex(@"<!--.*?-->", RegexOptions.Singleline)]
    private static partial Regex CommentRegex();

    [GeneratedRegex(@"<.*?>", RegexOptions.Singleline)]
    private static partial Regex TagRegex();

    [GeneratedRegex(@"\w+")]
    private static partial Regex WordRegex();
}
