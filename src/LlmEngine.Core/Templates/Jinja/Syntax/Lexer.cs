namespace LlmEngine.Templates.Jinja;

/// <summary>
/// Splits a template into tokens with Jinja2's whitespace rules as Hugging Face configures them: <c>trim_blocks</c>
/// (the first newline after a block or comment tag is removed), <c>lstrip_blocks</c> (spaces and tabs before a block or
/// comment tag on its own line are removed), <c>-</c> (strip all whitespace on that side) and <c>+</c> (keep it).
/// Comments are dropped and <c>{% raw %}</c> bodies become plain data.
/// </summary>
internal sealed class Lexer
{
    private static readonly string[] s_operators =
    [
        "//", "**", "==", "!=", ">=", "<=",
        "+", "-", "/", "*", "%", "~", "[", "]", "(", ")", "{", "}", "<", ">", "=", ".", ":", "|", ",", ";",
    ];

    /// <summary>The deepest bracket nesting an expression may have.</summary>
    public const int MaxNesting = 256;

    private readonly SourceText _source;
    private readonly string _text;
    private readonly bool _trimBlocks;
    private readonly bool _lstripBlocks;
    private readonly List<Token> _tokens = [];
    private int _pos;

    /// <summary>Creates a lexer with Hugging Face's settings unless told otherwise.</summary>
    public Lexer(SourceText source, bool trimBlocks = true, bool lstripBlocks = true)
    {
        _source = source;
        _text = source.Text;
        _trimBlocks = trimBlocks;
        _lstripBlocks = lstripBlocks;
    }

    /// <summary>Tokenizes the whole template; the last token is <see cref="TokenKind.Eof"/>.</summary>
    public List<Token> Tokenize()
    {
        while (_pos < _text.Length)
        {
            var tagStart = FindTagStart(_pos);
            var dataStart = _pos;
            if (tagStart < 0)
            {
                AddData(_text[_pos..], dataStart);
                _pos = _text.Length;
                break;
            }
            var kind = _text[tagStart + 1];
            var sign = tagStart + 2 < _text.Length && _text[tagStart + 2] is '-' or '+' ? _text[tagStart + 2] : '\0';
            var data = ApplyLeftWhitespace(_text[_pos..tagStart], sign, isVariable: kind == '{', lineStarting: IsLineStart(_pos));
            AddData(data, dataStart);
            var inner = tagStart + 2 + (sign == '\0' ? 0 : 1);
            switch (kind)
            {
                case '#':
                    _pos = SkipComment(tagStart, inner);
                    break;
                case '{':
                    _tokens.Add(new Token(TokenKind.VariableBegin, "{{", tagStart));
                    _pos = LexExpression(inner, isBlock: false);
                    break;
                default:
                    if (TryMatchRaw(inner, "raw", out var rawEnd, out _, out var rawTrimAfter))
                    {
                        // Jinja's raw opening tag honours '-' but never trim_blocks.
                        _pos = rawTrimAfter ? SkipWhitespace(rawEnd) : rawEnd;
                        LexRawBody(tagStart);
                    }
                    else
                    {
                        _tokens.Add(new Token(TokenKind.BlockBegin, "{%", tagStart));
                        _pos = LexExpression(inner, isBlock: true);
                    }
                    break;
            }
        }
        _tokens.Add(new Token(TokenKind.Eof, string.Empty, _text.Length));
        return _tokens;
    }

    private bool IsLineStart(int pos) => pos == 0 || _text[pos - 1] == '\n';

    private int FindTagStart(int from)
    {
        var i = from;
        while (true)
        {
            i = _text.IndexOf('{', i);
            if (i < 0 || i + 1 >= _text.Length)
            {
                return -1;
            }
            if (_text[i + 1] is '{' or '%' or '#')
            {
                return i;
            }
            i++;
        }
    }

    private string ApplyLeftWhitespace(string text, char sign, bool isVariable, bool lineStarting)
    {
        if (sign == '-')
        {
            return text.TrimEnd();
        }
        if (sign == '+' || !_lstripBlocks || isVariable)
        {
            return text;
        }
        var lineStart = text.LastIndexOf('\n') + 1;
        if (lineStart > 0 || lineStarting)
        {
            var allWhitespace = lineStart < text.Length;
            for (var i = lineStart; i < text.Length && allWhitespace; i++)
            {
                allWhitespace = char.IsWhiteSpace(text[i]);
            }
            if (allWhitespace)
            {
                return text[..lineStart];
            }
        }
        return text;
    }

    private void AddData(string data, int offset)
    {
        if (data.Length > 0)
        {
            _tokens.Add(new Token(TokenKind.Data, data, offset));
        }
    }

    private int SkipComment(int tagStart, int inner)
    {
        var end = _text.IndexOf("#}", inner, StringComparison.Ordinal);
        if (end < 0)
        {
            throw _source.Error("Missing end of comment tag", tagStart);
        }
        return AfterTagEnd(end, end + 2);
    }

    // The text after a block or comment end at [endStart, endStop): '-' strips all whitespace, '+' keeps it,
    // otherwise trim_blocks drops one newline.
    private int AfterTagEnd(int endStart, int endStop)
    {
        var before = endStart > 0 ? _text[endStart - 1] : '\0';
        if (before == '-')
        {
            return SkipWhitespace(endStop);
        }
        if (before != '+' && _trimBlocks && endStop < _text.Length && _text[endStop] == '\n')
        {
            return endStop + 1;
        }
        return endStop;
    }

    private int SkipWhitespace(int pos)
    {
        while (pos < _text.Length && char.IsWhiteSpace(_text[pos]))
        {
            pos++;
        }
        return pos;
    }

    // Matches "\s*<word>\s*(-%}|+%}|%})" at pos; endStop is just past "%}".
    private bool TryMatchRaw(int pos, string word, out int endStop, out char endSign, out bool trimAfter)
    {
        endStop = 0;
        endSign = '\0';
        trimAfter = false;
        pos = SkipWhitespace(pos);
        if (string.CompareOrdinal(_text, pos, word, 0, word.Length) != 0)
        {
            return false;
        }
        pos = SkipWhitespace(pos + word.Length);
        if (pos < _text.Length && _text[pos] is '-' or '+')
        {
            endSign = _text[pos];
            pos++;
        }
        if (string.CompareOrdinal(_text, pos, "%}", 0, 2) != 0)
        {
            return false;
        }
        endStop = pos + 2;
        trimAfter = endSign == '-';
        return true;
    }

    private void LexRawBody(int rawTagStart)
    {
        var search = _pos;
        while (true)
        {
            var candidate = _text.IndexOf("{%", search, StringComparison.Ordinal);
            if (candidate < 0)
            {
                throw _source.Error("Missing end of raw directive", rawTagStart);
            }
            var sign = candidate + 2 < _text.Length && _text[candidate + 2] is '-' or '+' ? _text[candidate + 2] : '\0';
            var inner = candidate + 2 + (sign == '\0' ? 0 : 1);
            if (TryMatchRaw(inner, "endraw", out var endStop, out _, out _))
            {
                var body = ApplyLeftWhitespace(_text[_pos..candidate], sign, isVariable: false, lineStarting: IsLineStart(_pos));
                AddData(body, _pos);
                _pos = AfterTagEnd(endStop - 2, endStop);
                return;
            }
            search = candidate + 2;
        }
    }

    private int LexExpression(int pos, bool isBlock)
    {
        var balance = new Stack<char>();
        var start = pos;
        while (true)
        {
            pos = SkipWhitespace(pos);
            if (pos >= _text.Length)
            {
                throw _source.Error(isBlock ? "unexpected end of template, expected '%}'" : "unexpected end of template, expected '}}'", start - 2);
            }
            if (balance.Count == 0 && TryLexTagEnd(pos, isBlock, out var next))
            {
                return next;
            }
            var c = _text[pos];
            if (char.IsDigit(c))
            {
                pos = LexNumber(pos);
            }
            else if (char.IsLetter(c) || c == '_')
            {
                var end = pos + 1;
                while (end < _text.Length && (char.IsLetterOrDigit(_text[end]) || _text[end] == '_'))
                {
                    end++;
                }
                _tokens.Add(new Token(TokenKind.Name, _text[pos..end], pos));
                pos = end;
            }
            else if (c is '\'' or '"')
            {
                pos = LexString(pos);
            }
            else
            {
                pos = LexOperator(pos, balance);
            }
        }
    }

    private bool TryLexTagEnd(int pos, bool isBlock, out int next)
    {
        next = 0;
        var close = isBlock ? "%}" : "}}";
        var hasSign = _text[pos] is '-' or '+' && (isBlock || _text[pos] == '-');
        var closeAt = hasSign ? pos + 1 : pos;
        if (string.CompareOrdinal(_text, closeAt, close, 0, 2) != 0)
        {
            return false;
        }
        _tokens.Add(new Token(isBlock ? TokenKind.BlockEnd : TokenKind.VariableEnd, close, pos));
        if (isBlock)
        {
            next = AfterTagEnd(closeAt, closeAt + 2);
        }
        else
        {
            next = hasSign ? SkipWhitespace(closeAt + 2) : closeAt + 2;
        }
        return true;
    }

    private int LexNumber(int pos)
    {
        var end = pos;
        var isFloat = false;
        if (_text[pos] == '0' && pos + 1 < _text.Length && char.ToLowerInvariant(_text[pos + 1]) is 'x' or 'o' or 'b')
        {
            end = pos + 2;
            while (end < _text.Length && (char.IsAsciiHexDigit(_text[end]) || _text[end] == '_'))
            {
                end++;
            }
            _tokens.Add(new Token(TokenKind.Integer, _text[pos..end], pos));
            return end;
        }
        end = SkipDigits(end);
        if (end + 1 < _text.Length && _text[end] == '.' && char.IsDigit(_text[end + 1]))
        {
            isFloat = true;
            end = SkipDigits(end + 1);
        }
        if (end < _text.Length && _text[end] is 'e' or 'E')
        {
            var exp = end + 1;
            if (exp < _text.Length && _text[exp] is '+' or '-')
            {
                exp++;
            }
            if (exp < _text.Length && char.IsDigit(_text[exp]))
            {
                isFloat = true;
                end = SkipDigits(exp);
            }
        }
        _tokens.Add(new Token(isFloat ? TokenKind.Float : TokenKind.Integer, _text[pos..end].Replace("_", string.Empty), pos));
        return end;
    }

    private int SkipDigits(int pos)
    {
        while (pos < _text.Length && (char.IsDigit(_text[pos]) || (_text[pos] == '_' && pos + 1 < _text.Length && char.IsDigit(_text[pos + 1]))))
        {
            pos++;
        }
        return pos;
    }

    private int LexString(int pos)
    {
        var quote = _text[pos];
        var i = pos + 1;
        while (i < _text.Length && _text[i] != quote)
        {
            i += _text[i] == '\\' ? 2 : 1;
        }
        if (i >= _text.Length)
        {
            throw _source.Error("unexpected end of string", pos);
        }
        string value;
        try
        {
            value = StringLiteral.Unescape(_text.AsSpan(pos + 1, i - pos - 1));
        }
        catch (FormatException e)
        {
            throw _source.Error(e.Message, pos);
        }
        _tokens.Add(new Token(TokenKind.String, value, pos));
        return i + 1;
    }

    private int LexOperator(int pos, Stack<char> balance)
    {
        foreach (var op in s_operators)
        {
            if (string.CompareOrdinal(_text, pos, op, 0, op.Length) != 0)
            {
                continue;
            }
            switch (op)
            {
                case "(": balance.Push(')'); break;
                case "[": balance.Push(']'); break;
                case "{": balance.Push('}'); break;
                case ")" or "]" or "}":
                    if (balance.Count == 0)
                    {
                        throw _source.Error($"unexpected '{op}'", pos);
                    }
                    var expected = balance.Pop();
                    if (expected != op[0])
                    {
                        throw _source.Error($"unexpected '{op}', expected '{expected}'", pos);
                    }
                    break;
            }
            if (balance.Count > MaxNesting)
            {
                throw _source.Error($"the expression nests brackets deeper than {MaxNesting} levels", pos);
            }
            _tokens.Add(new Token(TokenKind.Operator, op, pos));
            return pos + op.Length;
        }
        throw _source.Error($"unexpected char '{_text[pos]}'", pos);
    }
}
