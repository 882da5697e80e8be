using System.Runtime.CompilerServices;

namespace LlmEngine.Templates.Jinja;

/// <summary>
/// Jinja2's recursive-descent parser, statement half: turns tokens into <see cref="Node"/>s. Tags outside the chat
/// template subset (<c>extends</c>, <c>include</c>, <c>import</c>, <c>block</c>) fail with a clear message.
/// </summary>
internal sealed partial class Parser
{
    private static readonly HashSet<string> s_unsupportedTags = ["extends", "include", "import", "from", "block"];

    private readonly SourceText _source;
    private readonly List<Token> _tokens;
    private readonly List<string> _tagStack = [];
    private int _index;

    private Parser(SourceText source)
    {
        _source = source;
        _tokens = new Lexer(source).Tokenize();
    }

    private Token Current => _tokens[_index];

    /// <summary>Parses a whole template.</summary>
    /// <exception cref="TemplateSyntaxException">The source is not valid Jinja.</exception>
    public static Node[] Parse(SourceText source) => new Parser(source).ParseTemplate();

    private Node[] ParseTemplate()
    {
        var body = Subparse(null);
        if (Current.Kind != TokenKind.Eof)
        {
            throw Fail($"unexpected '{Current.Describe()}'", Current);
        }
        return body;
    }

    private Token Peek(int ahead = 1) => _tokens[Math.Min(_index + ahead, _tokens.Count - 1)];

    private Token Next() => _tokens[_index++];

    private bool SkipName(string name)
    {
        if (Current.IsName(name))
        {
            _index++;
            return true;
        }
        return false;
    }

    private bool SkipOperator(string op)
    {
        if (Current.IsOperator(op))
        {
            _index++;
            return true;
        }
        return false;
    }

    private Token Expect(TokenKind kind, string what)
    {
        if (Current.Kind != kind)
        {
            throw Fail($"expected {what}, got '{Current.Describe()}'", Current);
        }
        return Next();
    }

    private void ExpectOperator(string op)
    {
        if (!SkipOperator(op))
        {
            throw Fail($"expected token '{op}', got '{Current.Describe()}'", Current);
        }
    }

    private void ExpectName(string name)
    {
        if (!SkipName(name))
        {
            throw Fail($"expected token '{name}', got '{Current.Describe()}'", Current);
        }
    }

    private TemplateSyntaxException Fail(string problem, Token at) => _source.Error(problem, at.Offset);

    // Parses nodes until a block tag whose name is one of endTokens (left as the current token) or the end.
    private Node[] Subparse(string[]? endTokens)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        var body = new List<Node>();
        while (true)
        {
            var token = Current;
            switch (token.Kind)
            {
                case TokenKind.Data:
                    Next();
                    body.Add(new TextNode(token.Offset, token.Value));
                    break;
                case TokenKind.VariableBegin:
                    Next();
                    body.Add(new PrintNode(token.Offset, ParseTuple()));
                    Expect(TokenKind.VariableEnd, "end of print statement");
                    break;
                case TokenKind.BlockBegin:
                    Next();
                    if (endTokens is not null && Current.Kind == TokenKind.Name && Array.IndexOf(endTokens, Current.Value) >= 0)
                    {
                        return [.. body];
                    }
                    ParseStatement(token.Offset, body);
                    Expect(TokenKind.BlockEnd, "end of statement block");
                    break;
                case TokenKind.Eof:
                    if (endTokens is not null)
                    {
                        throw FailEof(endTokens, token);
                    }
                    return [.. body];
                default:
                    throw Fail($"unexpected '{token.Describe()}'", token);
            }
        }
    }

    private Exception FailEof(string[] endTokens, Token at)
    {
        var expected = string.Join(" or ", Array.ConvertAll(endTokens, t => $"'{t}'"));
        var innermost = _tagStack.Count > 0 ? $" The innermost block that needs to be closed is '{_tagStack[^1]}'." : string.Empty;
        return Fail($"Unexpected end of template. Jinja was looking for the following tags: {expected}.{innermost}", at);
    }

    private void ParseStatement(int offset, List<Node> body)
    {
        var token = Current;
        if (token.Kind != TokenKind.Name)
        {
            throw Fail("tag name expected", token);
        }
        _tagStack.Add(token.Value);
        if (_tagStack.Count > Lexer.MaxNesting)
        {
            throw Fail($"the template nests blocks deeper than {Lexer.MaxNesting} levels", token);
        }
        try
        {
            switch (token.Value)
            {
                case "if": body.Add(ParseIf(offset)); break;
                case "for": body.Add(ParseFor(offset)); break;
                case "set": body.Add(ParseSet(offset)); break;
                case "macro": body.Add(ParseMacro(offset)); break;
                case "call": body.Add(ParseCallBlock(offset)); break;
                case "filter": body.Add(ParseFilterBlock(offset)); break;
                case "with": body.Add(ParseWith(offset)); break;
                case "print":
                    Next();
                    body.Add(new PrintNode(offset, ParseTuple()));
                    break;
                case "do":
                    Next();
                    body.Add(new DoNode(offset, ParseTuple()));
                    break;
                case "break":
                    Next();
                    body.Add(new BreakNode(offset));
                    break;
                case "continue":
                    Next();
                    body.Add(new ContinueNode(offset));
                    break;
                case "generation":
                    // Hugging Face's assistant-mask extension: the body renders as is.
                    Next();
                    body.AddRange(ParseBody(["endgeneration"], dropNeedle: true));
                    break;
                case "autoescape":
                    // Chat templates render text, never HTML, so autoescaping is accepted and has no effect.
                    Next();
                    ParseExpression();
                    body.AddRange(ParseBody(["endautoescape"], dropNeedle: true));
                    break;
                default:
                    if (s_unsupportedTags.Contains(token.Value))
                    {
                        throw Fail($"the '{token.Value}' tag is not supported in chat templates (templates are rendered alone)", token);
                    }
                    _tagStack.RemoveAt(_tagStack.Count - 1);
                    throw FailUnknownTag(token);
            }
        }
        finally
        {
            if (_tagStack.Count > 0 && _tagStack[^1] == token.Value)
            {
                _tagStack.RemoveAt(_tagStack.Count - 1);
            }
        }
    }

    private Exception FailUnknownTag(Token token)
    {
        var message = $"Encountered unknown tag '{token.Value}'.";
        if (_tagStack.Count > 0)
        {
            message += $" The innermost block that needs to be closed is '{_tagStack[^1]}'.";
        }
        return Fail(message, token);
    }

    // Expects the end of the opening tag, then parses the body up to one of endTokens.
    private Node[] ParseBody(string[] endTokens, bool dropNeedle)
    {
        SkipOperator(":");
        Expect(TokenKind.BlockEnd, "end of statement block");
        var body = Subparse(endTokens);
        if (dropNeedle)
        {
            Next();
        }
        return body;
    }

    private IfNode ParseIf(int offset)
    {
        Next();
        var branches = new List<(Expr, Node[])>();
        Node[] elseBody = [];
        while (true)
        {
            var test = ParseTuple(withCondExpr: false);
            var body = ParseBody(["elif", "else", "endif"], dropNeedle: false);
            branches.Add((test, body));
            var token = Next();
            if (token.Value == "elif")
            {
                continue;
            }
            if (token.Value == "else")
            {
                elseBody = ParseBody(["endif"], dropNeedle: true);
            }
            break;
        }
        return new IfNode(offset, [.. branches], elseBody);
    }

    private ForNode ParseFor(int offset)
    {
        Next();
        var target = ParseAssignTarget(["in"], withNamespace: false);
        ExpectName("in");
        var iterable = ParseTuple(withCondExpr: false, extraEndRules: ["recursive"]);
        Expr? filter = null;
        if (SkipName("if"))
        {
            filter = ParseExpression();
        }
        var recursive = SkipName("recursive");
        var body = ParseBody(["endfor", "else"], dropNeedle: false);
        Node[] elseBody = [];
        if (Next().Value == "else")
        {
            elseBody = ParseBody(["endfor"], dropNeedle: true);
        }
        return new ForNode(offset, target, iterable, filter, body, elseBody, recursive);
    }

    private Node ParseSet(int offset)
    {
        Next();
        var target = ParseAssignTarget(null, withNamespace: true);
        if (SkipOperator("="))
        {
            return new SetNode(offset, target, ParseTuple());
        }
        var filter = Current.IsOperator("|") ? ParseFilterChain(null, startInline: false) : null;
        var body = ParseBody(["endset"], dropNeedle: true);
        return new SetBlockNode(offset, target, filter, body);
    }

    private MacroNode ParseMacro(int offset)
    {
        Next();
        var name = Expect(TokenKind.Name, "macro name").Value;
        var parameters = ParseSignature();
        var body = ParseBody(["endmacro"], dropNeedle: true);
        return new MacroNode(offset, name, parameters, body);
    }

    private CallBlockNode ParseCallBlock(int offset)
    {
        var token = Next();
        var parameters = Current.IsOperator("(") ? ParseSignature() : [];
        if (ParseExpression() is not CallExpr call)
        {
            throw Fail("expected call", token);
        }
        var body = ParseBody(["endcall"], dropNeedle: true);
        return new CallBlockNode(offset, parameters, call, body);
    }

    private FilterBlockNode ParseFilterBlock(int offset)
    {
        Next();
        var filter = ParseFilterChain(null, startInline: true)!;
        var body = ParseBody(["endfilter"], dropNeedle: true);
        return new FilterBlockNode(offset, filter, body);
    }

    private WithNode ParseWith(int offset)
    {
        Next();
        var assignments = new List<(Expr, Expr)>();
        while (Current.Kind != TokenKind.BlockEnd)
        {
            if (assignments.Count > 0)
            {
                ExpectOperator(",");
            }
            var target = ParseAssignTarget(null, withNamespace: false);
            ExpectOperator("=");
            assignments.Add((target, ParseExpression()));
        }
        return new WithNode(offset, [.. assignments], ParseBody(["endwith"], dropNeedle: true));
    }

    private Parameter[] ParseSignature()
    {
        var parameters = new List<Parameter>();
        ExpectOperator("(");
        while (!Current.IsOperator(")"))
        {
            if (parameters.Count > 0)
            {
                ExpectOperator(",");
            }
            var name = Expect(TokenKind.Name, "parameter name");
            Expr? defaultValue = null;
            if (SkipOperator("="))
            {
                defaultValue = ParseExpression();
            }
            else if (parameters.Count > 0 && parameters[^1].Default is not null)
            {
                throw Fail("non-default argument follows default argument", name);
            }
            parameters.Add(new Parameter(name.Value, defaultValue));
        }
        ExpectOperator(")");
        return [.. parameters];
    }

    private Expr ParseAssignTarget(string[]? extraEndRules, bool withNamespace)
    {
        var start = Current;
        var target = ParseTuple(simplified: true, extraEndRules: extraEndRules, withNamespace: withNamespace);
        if (!CanAssign(target))
        {
            throw Fail($"can't assign to '{DescribeTarget(target)}'", start);
        }
        return target;
    }

    private static bool CanAssign(Expr target) => target switch
    {
        NameExpr n => n.Name is not ("true" or "false" or "none" or "True" or "False" or "None"),
        NamespaceRefExpr => true,
        ListExpr { IsTuple: true } t => Array.TrueForAll(t.Items, CanAssign),
        _ => false,
    };

    private static string DescribeTarget(Expr target) => target switch
    {
        ConstExpr => "const",
        ListExpr { IsTuple: true } => "tuple",
        ListExpr => "list",
        DictExpr => "dict",
        _ => "expression",
    };
}
