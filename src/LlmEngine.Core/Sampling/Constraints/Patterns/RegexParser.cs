using System.Globalization;
using System.Text;
using LlmEngine.Sampling.Constraints.Grammars;
using LlmEngine.Sampling.Constraints.Json;

namespace LlmEngine.Sampling.Constraints.Patterns;

/// <summary>What the characters a regex matches are written as.</summary>
internal enum RegexTarget
{
    /// <summary>Plain text: each character is its UTF-8 bytes.</summary>
    Text,

    /// <summary>The inside of a JSON string: characters JSON requires escaped are written as escapes.</summary>
    JsonString,
}

/// <summary>A parsed regex: its body, and whether it began with <c>^</c> or ended with <c>$</c>.</summary>
internal readonly record struct ParsedRegex(GrammarExpr Body, bool AnchoredStart, bool AnchoredEnd);

/// <summary>
/// Parses the ECMAScript regex subset (literals, classes with ranges and negation, <c>. \d \w \s</c> and their
/// negations, escapes, <c>* + ? {m} {m,} {m,n}</c> with optional lazy <c>?</c>, alternation, capturing, non-capturing
/// and named groups, <c>^</c>/<c>$</c> at the ends) into a grammar expression. Backreferences, lookaround, word
/// boundaries, Unicode properties, inline flags and anchors elsewhere are rejected by name. See
/// <see cref="RegexCharClasses"/> for how <c>\d \w \s</c>, negation and <c>.</c> are read.
/// </summary>
internal sealed class RegexParser
{
    private readonly string _pattern;
    private readonly RegexTarget _target;
    private int _pos;
    private int _depth;
    private bool _anchoredEnd;

    private RegexParser(string pattern, RegexTarget target)
    {
        _pattern = pattern;
        _target = target;
    }

    /// <exception cref="ConstraintException">Invalid syntax or an unsupported feature, named in the message.</exception>
    public static ParsedRegex Parse(string pattern, RegexTarget target)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var parser = new RegexParser(pattern, target);
        var anchoredStart = parser.TryConsume('^');
        var body = parser.ParseAlternation();
        if (parser._pos < pattern.Length)
        {
            throw parser.Error("unmatched ')'");
        }
        return new ParsedRegex(body, anchoredStart, parser._anchoredEnd);
    }

    private GrammarExpr ParseAlternation()
    {
        var options = new List<GrammarExpr> { ParseSequence() };
        while (TryConsume('|'))
        {
            options.Add(ParseSequence());
        }
        return GrammarExpr.Alt(options);
    }

    private GrammarExpr ParseSequence()
    {
        var items = new List<GrammarExpr>();
        while (_pos < _pattern.Length && _pattern[_pos] is not ('|' or ')'))
        {
            if (_pattern[_pos] == '$')
            {
                if (_pos == _pattern.Length - 1 && _depth == 0)
                {
                    _pos++;
                    _anchoredEnd = true;
                    break;
                }
                throw Error("the anchor '$' is only supported at the end of the pattern");
            }
            items.Add(ParseQuantified());
        }
        return GrammarExpr.Seq([.. items]);
    }

    private GrammarExpr ParseQuantified()
    {
        var atomStart = _pos;
        var atom = ParseAtom();
        if (_pos >= _pattern.Length)
        {
            return atom;
        }
        if (_pos == atomStart + 2 && char.IsSurrogatePair(_pattern, atomStart) && _pattern[_pos] is '*' or '+' or '?' or '{')
        {
            // A UTF-16 regex engine would repeat only the second half of the surrogate pair.
            throw Error("a quantifier directly after a character outside the BMP is ambiguous; wrap the character in (?:...)");
        }
        int min, max;
        var start = _pos;
        switch (_pattern[_pos])
        {
            case '*':
                (min, max) = (0, GrammarExpr.Unbounded);
                _pos++;
                break;
            case '+':
                (min, max) = (1, GrammarExpr.Unbounded);
                _pos++;
                break;
            case '?':
                (min, max) = (0, 1);
                _pos++;
                break;
            case '{' when TryParseBraces(out min, out max):
                break;
            default:
                return atom;
        }
        if (min > max)
        {
            _pos = start;
            throw Error($"numbers out of order in quantifier {{{min},{max}}}");
        }
        TryConsume('?');
        if (_pos < _pattern.Length && _pattern[_pos] is '*' or '+' or '?' || (_pos < _pattern.Length && _pattern[_pos] == '{' && LooksLikeBraces()))
        {
            throw Error("nothing to repeat (a quantifier follows a quantifier)");
        }
        return GrammarExpr.Repeat(atom, min, max);
    }

    private GrammarExpr ParseAtom()
    {
        var c = _pattern[_pos];
        switch (c)
        {
            case '(':
                return ParseGroup();
            case '[':
                _pos++;
                return Chars(ParseClass());
            case '.':
                _pos++;
                return Chars(RegexCharClasses.Dot);
            case '\\':
                _pos++;
                return ParseEscape(inClass: false) is { } set ? Chars(set) : throw Error("a pattern cannot end with '\\'");
            case '^':
                throw Error("the anchor '^' is only supported at the start of the pattern");
            case '*' or '+' or '?':
                throw Error($"nothing to repeat before '{c}'");
            case '{' when LooksLikeBraces():
                throw Error("nothing to repeat before '{'");
            default:
                return Literal(ReadCodePoint());
        }
    }

    private GrammarExpr ParseGroup()
    {
        var open = _pos;
        _pos++;
        if (TryConsume('?'))
        {
            if (TryConsume(':'))
            {
            }
            else if (_pos < _pattern.Length && _pattern[_pos] is '=' or '!')
            {
                _pos = open;
                throw Error("lookahead assertions are not supported");
            }
            else if (TryConsume('<'))
            {
                if (_pos < _pattern.Length && _pattern[_pos] is '=' or '!')
                {
                    _pos = open;
                    throw Error("lookbehind assertions are not supported");
                }
                var close = _pattern.IndexOf('>', _pos);
                if (close < 0)
                {
                    throw Error("unterminated group name");
                }
                _pos = close + 1;
            }
            else
            {
                _pos = open;
                throw Error("this group syntax (inline flags or other '(?' forms) is not supported");
            }
        }
        _depth++;
        var body = ParseAlternation();
        _depth--;
        if (!TryConsume(')'))
        {
            _pos = open;
            throw Error("unterminated group");
        }
        return body;
    }

    private CodePointSet ParseClass()
    {
        var start = _pos - 1;
        var negated = TryConsume('^');
        var ranges = new List<(int, int)>();
        var set = CodePointSet.Empty;
        while (true)
        {
            if (_pos >= _pattern.Length)
            {
                _pos = start;
                throw Error("unterminated character class");
            }
            if (TryConsume(']'))
            {
                break;
            }
            var (lo, loSet) = ParseClassAtom(negated);
            if (_pos + 1 < _pattern.Length && _pattern[_pos] == '-' && _pattern[_pos + 1] != ']')
            {
                _pos++;
                var (hi, hiSet) = ParseClassAtom(negated);
                if (loSet is not null || hiSet is not null)
                {
                    throw Error("a class escape such as \\d cannot bound a range");
                }
                if (lo > hi)
                {
                    throw Error("range out of order in character class");
                }
                ranges.Add((lo, hi));
            }
            else if (loSet is not null)
            {
                set = set.Union(loSet);
            }
            else
            {
                ranges.Add((lo, lo));
            }
        }
        set = set.Union(CodePointSet.FromRanges(ranges));
        return negated ? RegexCharClasses.Negate(set) : set;
    }

    // Inside a negated class the escapes take their broad reading, so the complement is safe under both engines.
    private (int CodePoint, CodePointSet? Set) ParseClassAtom(bool negatedClass)
    {
        if (TryConsume('\\'))
        {
            if (_pos < _pattern.Length && _pattern[_pos] == 'b')
            {
                _pos++;
                return ('\b', null);
            }
            if (_pos < _pattern.Length && _pattern[_pos] == '-')
            {
                _pos++;
                return ('-', null);
            }
            var escapeAt = _pos;
            var set = ParseEscape(inClass: true) ?? throw Error("unterminated character class");
            var escape = _pattern[escapeAt];
            if (_pos == escapeAt + 1 && IsClassEscape(escape))
            {
                return (-1, negatedClass ? BroadReading(escape) : set);
            }
            return set.Ranges is [var (lo, hi)] && lo == hi ? (lo, null) : (-1, set);
        }
        var cp = ReadCodePoint();
        if (cp > 0xFFFF)
        {
            // A UTF-16 regex engine sees the two halves of the surrogate pair as two class members.
            throw Error("characters outside the BMP inside a character class are not supported");
        }
        return (cp, null);
    }

    private static CodePointSet BroadReading(char escape) => escape switch
    {
        'd' => RegexCharClasses.BroadDigit,
        'w' => RegexCharClasses.BroadWord,
        's' => RegexCharClasses.BroadSpace,
        'D' => RegexCharClasses.Negate(RegexCharClasses.Digit),
        'W' => RegexCharClasses.Negate(RegexCharClasses.Word),
        _ => RegexCharClasses.Negate(RegexCharClasses.Space),
    };

    private static bool IsClassEscape(char c) => c is 'd' or 'D' or 'w' or 'W' or 's' or 'S';

    // After a backslash: the set the escape stands for (a single character for plain escapes).
    private CodePointSet? ParseEscape(bool inClass)
    {
        if (_pos >= _pattern.Length)
        {
            return null;
        }
        var c = _pattern[_pos++];
        switch (c)
        {
            case 'd': return RegexCharClasses.Digit;
            case 'D': return RegexCharClasses.Negate(RegexCharClasses.BroadDigit);
            case 'w': return RegexCharClasses.Word;
            case 'W': return RegexCharClasses.Negate(RegexCharClasses.BroadWord);
            case 's': return RegexCharClasses.Space;
            case 'S': return RegexCharClasses.Negate(RegexCharClasses.BroadSpace);
            case 't': return CodePointSet.Single('\t');
            case 'n': return CodePointSet.Single('\n');
            case 'r': return CodePointSet.Single('\r');
            case 'f': return CodePointSet.Single('\f');
            case 'v': return CodePointSet.Single('\v');
            case '0' when _pos >= _pattern.Length || !char.IsAsciiDigit(_pattern[_pos]): return CodePointSet.Single(0);
            case 'x': return CodePointSet.Single(ReadHex(2, 2));
            case 'u' when _pos < _pattern.Length && _pattern[_pos] == '{':
                {
                    _pos++;
                    var value = ReadHex(1, 6);
                    if (!TryConsume('}') || value > CodePointSet.MaxCodePoint)
                    {
                        throw Error("invalid \\u{...} escape");
                    }
                    return CodePointSet.Single(value);
                }
            case 'u': return CodePointSet.Single(ReadHex(4, 4));
            case 'c' when _pos < _pattern.Length && char.IsAsciiLetter(_pattern[_pos]): return CodePointSet.Single(_pattern[_pos++] % 32);
            case 'b' or 'B' when !inClass:
                _pos -= 2;
                throw Error("word-boundary assertions (\\b, \\B) are not supported");
            case >= '1' and <= '9':
                _pos -= 2;
                throw Error("backreferences are not supported");
            case 'k':
                _pos -= 2;
                throw Error("named backreferences are not supported");
            case 'p' or 'P':
                _pos -= 2;
                throw Error("Unicode property escapes (\\p{...}) are not supported");
            default:
                if (char.IsAsciiLetterOrDigit(c))
                {
                    _pos -= 2;
                    throw Error($"unknown escape '\\{c}'");
                }
                _pos--;
                return CodePointSet.Single(ReadCodePoint());
        }
    }

    private int ReadCodePoint()
    {
        if (char.IsSurrogatePair(_pattern, _pos))
        {
            _pos += 2;
            return char.ConvertToUtf32(_pattern[_pos - 2], _pattern[_pos - 1]);
        }
        if (char.IsSurrogate(_pattern[_pos]))
        {
            throw Error("a lone surrogate is not a character");
        }
        return _pattern[_pos++];
    }

    private int ReadHex(int minDigits, int maxDigits)
    {
        var start = _pos;
        while (_pos < _pattern.Length && _pos - start < maxDigits && char.IsAsciiHexDigit(_pattern[_pos]))
        {
            _pos++;
        }
        if (_pos - start < minDigits)
        {
            throw Error("invalid hexadecimal escape");
        }
        return int.Parse(_pattern.AsSpan(start, _pos - start), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    }

    private bool TryParseBraces(out int min, out int max)
    {
        min = max = 0;
        var start = _pos;
        _pos++;
        if (!TryReadInt(out min))
        {
            _pos = start;
            return false;
        }
        max = min;
        if (TryConsume(','))
        {
            max = TryReadInt(out var m) ? m : GrammarExpr.Unbounded;
        }
        if (!TryConsume('}'))
        {
            _pos = start;
            return false;
        }
        return true;
    }

    private bool LooksLikeBraces()
    {
        var save = _pos;
        var result = TryParseBraces(out _, out _);
        _pos = save;
        return result;
    }

    private bool TryReadInt(out int value)
    {
        var start = _pos;
        while (_pos < _pattern.Length && char.IsAsciiDigit(_pattern[_pos]))
        {
            _pos++;
        }
        if (_pos == start || _pos - start > 6)
        {
            value = 0;
            return _pos != start ? throw Error("repetition count too large") : false;
        }
        value = int.Parse(_pattern.AsSpan(start, _pos - start), CultureInfo.InvariantCulture);
        return true;
    }

    private bool TryConsume(char c)
    {
        if (_pos < _pattern.Length && _pattern[_pos] == c)
        {
            _pos++;
            return true;
        }
        return false;
    }

    private GrammarExpr Chars(CodePointSet set) => _target == RegexTarget.JsonString ? JsonText.EncodedChars(set) : GrammarExpr.Chars(set);

    private GrammarExpr Literal(int cp) => _target == RegexTarget.JsonString
        ? JsonText.EncodedChar(cp)
        : new LiteralExpr(Encoding.UTF8.GetBytes(char.ConvertFromUtf32(cp)));

    private ConstraintException Error(string problem) =>
        new($"Unsupported or invalid regex '{_pattern}' at position {_pos}: {problem}.");
}
