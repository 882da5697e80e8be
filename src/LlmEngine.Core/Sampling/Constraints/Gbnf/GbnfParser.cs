using System.Globalization;
using LlmEngine.Sampling.Constraints.Grammars;

namespace LlmEngine.Sampling.Constraints.Gbnf;

/// <summary>
/// Parses llama.cpp's GBNF: <c>name ::= alternatives</c> rules (a newline ends a rule except inside parentheses or
/// after <c>|</c>), sequences, groups, <c>* + ? {m} {m,} {m,n}</c>, string literals and character classes (ranges,
/// <c>^</c> negation) with <c>\n \r \t \\ \" \[ \] \xHH \uHHHH \UHHHHHHHH</c> escapes, <c>.</c> for any character and
/// <c>#</c> comments. Generation starts at <c>root</c>. Undefined rules are reported by name.
/// </summary>
internal sealed class GbnfParser
{
    private readonly string _text;
    private readonly GrammarBuilder _builder = new();
    private int _pos;

    private GbnfParser(string text) => _text = text;

    /// <exception cref="ConstraintException">A syntax error, an undefined or duplicate rule, or no root rule.</exception>
    public static Grammar Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new ConstraintException("The GBNF grammar is empty.");
        }
        var parser = new GbnfParser(text);
        parser.ParseRules();
        return parser._builder.Build("root");
    }

    private void ParseRules()
    {
        SkipSpace(newlines: true);
        while (_pos < _text.Length)
        {
            var name = ParseName();
            SkipSpace(newlines: false);
            if (!_text.AsSpan(_pos).StartsWith("::="))
            {
                throw Error($"expected '::=' after rule name '{name}'");
            }
            _pos += 3;
            SkipSpace(newlines: true);
            var body = ParseAlternatives(nested: false);
            if (_builder.IsDefined(name))
            {
                throw Error($"rule '{name}' is defined more than once");
            }
            _builder.Define(name, body);
            if (_pos < _text.Length && _text[_pos] is not ('\n' or '\r'))
            {
                throw Error($"unexpected '{_text[_pos]}'");
            }
            SkipSpace(newlines: true);
        }
    }

    private GrammarExpr ParseAlternatives(bool nested)
    {
        var options = new List<GrammarExpr> { ParseSequence(nested) };
        while (true)
        {
            // An alternative may also continue on the next line when that line starts with '|'.
            var save = _pos;
            SkipSpace(newlines: true);
            if (_pos >= _text.Length || _text[_pos] != '|')
            {
                _pos = save;
                break;
            }
            _pos++;
            SkipSpace(newlines: true);
            options.Add(ParseSequence(nested));
        }
        return GrammarExpr.Alt(options);
    }

    private GrammarExpr ParseSequence(bool nested)
    {
        var items = new List<GrammarExpr>();
        while (_pos < _text.Length)
        {
            var c = _text[_pos];
            GrammarExpr item;
            if (c == '"')
            {
                item = ParseLiteral();
            }
            else if (c == '[')
            {
                item = GrammarExpr.Chars(ParseClass());
            }
            else if (c == '.')
            {
                _pos++;
                item = GrammarExpr.Chars(CodePointSet.Any);
            }
            else if (c == '(')
            {
                var open = _pos++;
                SkipSpace(newlines: true);
                item = ParseAlternatives(nested: true);
                if (_pos >= _text.Length || _text[_pos] != ')')
                {
                    _pos = open;
                    throw Error("unclosed '('");
                }
                _pos++;
            }
            else if (IsNameChar(c))
            {
                var save = _pos;
                var name = ParseName();
                SkipSpace(newlines: false);
                if (_text.AsSpan(_pos).StartsWith("::="))
                {
                    // The next rule starts here: the previous line ended this one.
                    _pos = save;
                    break;
                }
                _pos = save + name.Length;
                item = GrammarExpr.Ref(name);
            }
            else if (c == '<' || c == '!')
            {
                throw Error("token references (<...>) are not supported");
            }
            else
            {
                break;
            }
            items.Add(ParseRepetition(item));
            SkipSpace(newlines: nested);
        }
        return GrammarExpr.Seq([.. items]);
    }

    private GrammarExpr ParseRepetition(GrammarExpr item)
    {
        SkipSpace(newlines: false);
        if (_pos >= _text.Length)
        {
            return item;
        }
        switch (_text[_pos])
        {
            case '*':
                _pos++;
                return GrammarExpr.Star(item);
            case '+':
                _pos++;
                return GrammarExpr.Repeat(item, 1, GrammarExpr.Unbounded);
            case '?':
                _pos++;
                return GrammarExpr.Optional(item);
            case '{':
                {
                    _pos++;
                    SkipSpace(newlines: false);
                    var min = ReadInt();
                    SkipSpace(newlines: false);
                    var max = min;
                    if (_pos < _text.Length && _text[_pos] == ',')
                    {
                        _pos++;
                        SkipSpace(newlines: false);
                        max = _pos < _text.Length && char.IsAsciiDigit(_text[_pos]) ? ReadInt() : GrammarExpr.Unbounded;
                        SkipSpace(newlines: false);
                    }
                    if (_pos >= _text.Length || _text[_pos] != '}')
                    {
                        throw Error("expected '}' to close the repetition");
                    }
                    _pos++;
                    if (min > max)
                    {
                        throw Error($"repetition {{{min},{max}}} has min > max");
                    }
                    return GrammarExpr.Repeat(item, min, max);
                }
            default:
                return item;
        }
    }

    private GrammarExpr ParseLiteral()
    {
        var start = _pos++;
        var sb = new System.Text.StringBuilder();
        while (true)
        {
            if (_pos >= _text.Length || _text[_pos] is '\n' or '\r')
            {
                _pos = start;
                throw Error("unterminated string literal");
            }
            if (_text[_pos] == '"')
            {
                _pos++;
                break;
            }
            sb.Append(char.ConvertFromUtf32(ReadChar()));
        }
        return GrammarExpr.Lit(sb.ToString());
    }

    private CodePointSet ParseClass()
    {
        var start = _pos++;
        var negated = _pos < _text.Length && _text[_pos] == '^';
        if (negated)
        {
            _pos++;
        }
        var ranges = new List<(int, int)>();
        while (true)
        {
            if (_pos >= _text.Length || _text[_pos] is '\n' or '\r')
            {
                _pos = start;
                throw Error("unterminated character class");
            }
            if (_text[_pos] == ']')
            {
                _pos++;
                break;
            }
            var lo = ReadChar();
            var hi = lo;
            if (_pos + 1 < _text.Length && _text[_pos] == '-' && _text[_pos + 1] is not (']' or '\n' or '\r'))
            {
                _pos++;
                hi = ReadChar();
                if (hi < lo)
                {
                    throw Error("character range out of order");
                }
            }
            ranges.Add((lo, hi));
        }
        var set = CodePointSet.FromRanges(ranges);
        return negated ? set.Complement() : set;
    }

    private int ReadChar()
    {
        var c = _text[_pos];
        if (c != '\\')
        {
            if (char.IsSurrogatePair(_text, _pos))
            {
                _pos += 2;
                return char.ConvertToUtf32(_text[_pos - 2], _text[_pos - 1]);
            }
            if (char.IsSurrogate(c))
            {
                throw Error("a lone surrogate is not a character");
            }
            _pos++;
            return c;
        }
        _pos++;
        if (_pos >= _text.Length)
        {
            throw Error("the text ends inside an escape");
        }
        var e = _text[_pos++];
        return e switch
        {
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            '\\' or '"' or '[' or ']' or '-' or '^' => e,
            'x' => ReadHex(2),
            'u' => ReadHex(4),
            'U' => ReadHex(8),
            _ => throw Error($"unknown escape '\\{e}'"),
        };
    }

    private int ReadHex(int digits)
    {
        if (_pos + digits > _text.Length
            || !int.TryParse(_text.AsSpan(_pos, digits), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var value)
            || value > CodePointSet.MaxCodePoint)
        {
            throw Error($"expected {digits} hexadecimal digits");
        }
        _pos += digits;
        return value;
    }

    private int ReadInt()
    {
        var start = _pos;
        while (_pos < _text.Length && char.IsAsciiDigit(_text[_pos]))
        {
            _pos++;
        }
        if (_pos == start || _pos - start > 6)
        {
            throw Error("expected a repetition count");
        }
        return int.Parse(_text.AsSpan(start, _pos - start), CultureInfo.InvariantCulture);
    }

    private string ParseName()
    {
        var start = _pos;
        while (_pos < _text.Length && IsNameChar(_text[_pos]))
        {
            _pos++;
        }
        if (_pos == start)
        {
            throw Error("expected a rule name");
        }
        return _text[start.._pos];
    }

    private static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_';

    private void SkipSpace(bool newlines)
    {
        while (_pos < _text.Length)
        {
            var c = _text[_pos];
            if (c == '#')
            {
                while (_pos < _text.Length && _text[_pos] is not ('\n' or '\r'))
                {
                    _pos++;
                }
            }
            else if (c is ' ' or '\t' || (newlines && c is '\n' or '\r'))
            {
                _pos++;
            }
            else
            {
                break;
            }
        }
    }

    private ConstraintException Error(string problem)
    {
        var line = 1;
        var column = 1;
        for (var i = 0; i < _pos && i < _text.Length; i++)
        {
            (line, column) = _text[i] == '\n' ? (line + 1, 1) : (line, column + 1);
        }
        return new ConstraintException($"Invalid GBNF grammar at line {line}, column {column}: {problem}.");
    }
}
