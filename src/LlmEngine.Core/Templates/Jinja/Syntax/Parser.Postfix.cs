namespace LlmEngine.Templates.Jinja;

/// <summary>Jinja2's parser, postfix half: attribute and item access, slices, call arguments, filters and tests.</summary>
internal sealed partial class Parser
{
    private Expr ParsePostfix(Expr node)
    {
        while (true)
        {
            if (Current.IsOperator(".") || Current.IsOperator("["))
            {
                node = ParseSubscript(node);
            }
            else if (Current.IsOperator("("))
            {
                node = new CallExpr(Current.Offset, node, ParseCallArguments());
            }
            else
            {
                return node;
            }
        }
    }

    private Expr ParseFilterExpr(Expr node)
    {
        while (true)
        {
            if (Current.IsOperator("|"))
            {
                node = ParseFilterChain(node, startInline: false)!;
            }
            else if (Current.IsName("is"))
            {
                node = ParseTest(node);
            }
            else if (Current.IsOperator("("))
            {
                node = new CallExpr(Current.Offset, node, ParseCallArguments());
            }
            else
            {
                return node;
            }
        }
    }

    private Expr ParseSubscript(Expr node)
    {
        var token = Next();
        if (token.Value == ".")
        {
            var attribute = Next();
            if (attribute.Kind == TokenKind.Name)
            {
                return new GetAttrExpr(token.Offset, node, attribute.Value, new JinjaString(attribute.Value));
            }
            if (attribute.Kind != TokenKind.Integer)
            {
                throw Fail("expected name or number", attribute);
            }
            return new GetItemExpr(token.Offset, node, new ConstExpr(attribute.Offset, JinjaInt.Of(ParseInteger(attribute))));
        }
        var keys = new List<Expr>();
        while (!Current.IsOperator("]"))
        {
            if (keys.Count > 0)
            {
                ExpectOperator(",");
            }
            keys.Add(ParseSubscribed());
        }
        ExpectOperator("]");
        var key = keys.Count == 1 ? keys[0] : new ListExpr(token.Offset, [.. keys], IsTuple: true);
        return new GetItemExpr(token.Offset, node, key);
    }

    private Expr ParseSubscribed()
    {
        var offset = Current.Offset;
        Expr? start = null;
        if (!Current.IsOperator(":"))
        {
            start = ParseExpression();
            if (!Current.IsOperator(":"))
            {
                return start;
            }
        }
        Next();
        Expr? stop = null;
        Expr? step = null;
        if (!Current.IsOperator(":") && !Current.IsOperator("]") && !Current.IsOperator(","))
        {
            stop = ParseExpression();
        }
        if (SkipOperator(":") && !Current.IsOperator("]") && !Current.IsOperator(","))
        {
            step = ParseExpression();
        }
        return new SliceExpr(offset, start, stop, step);
    }

    private CallArguments ParseCallArguments()
    {
        var open = Current;
        ExpectOperator("(");
        var positional = new List<Expr>();
        var keywords = new List<(string, Expr)>();
        Expr? dynamicPositional = null;
        Expr? dynamicKeywords = null;
        var requireComma = false;
        while (!Current.IsOperator(")"))
        {
            if (requireComma)
            {
                ExpectOperator(",");
                if (Current.IsOperator(")"))
                {
                    break;
                }
            }
            if (SkipOperator("*"))
            {
                Ensure(dynamicPositional is null && dynamicKeywords is null, open);
                dynamicPositional = ParseExpression();
            }
            else if (SkipOperator("**"))
            {
                Ensure(dynamicKeywords is null, open);
                dynamicKeywords = ParseExpression();
            }
            else if (Current.Kind == TokenKind.Name && Peek().IsOperator("="))
            {
                Ensure(dynamicKeywords is null, open);
                var name = Next().Value;
                Next();
                keywords.Add((name, ParseExpression()));
            }
            else
            {
                Ensure(dynamicPositional is null && dynamicKeywords is null && keywords.Count == 0, open);
                positional.Add(ParseExpression());
            }
            requireComma = true;
        }
        ExpectOperator(")");
        return new CallArguments([.. positional], [.. keywords], dynamicPositional, dynamicKeywords);
    }

    private void Ensure(bool condition, Token at)
    {
        if (!condition)
        {
            throw Fail("invalid syntax for function call expression", at);
        }
    }

    private FilterExpr? ParseFilterChain(Expr? node, bool startInline)
    {
        FilterExpr? result = null;
        while (Current.IsOperator("|") || startInline)
        {
            if (!startInline)
            {
                Next();
            }
            var name = ParseDottedName("filter name");
            var arguments = Current.IsOperator("(") ? ParseCallArguments() : CallArguments.None;
            result = new FilterExpr(name.Offset, (Expr?)result ?? node, name.Value, arguments);
            startInline = false;
        }
        return result;
    }

    private Expr ParseTest(Expr node)
    {
        var isToken = Next();
        var negated = SkipName("not");
        var name = ParseDottedName("test name");
        var arguments = CallArguments.None;
        if (Current.IsOperator("("))
        {
            arguments = ParseCallArguments();
        }
        else if ((Current.Kind is TokenKind.Name or TokenKind.String or TokenKind.Integer or TokenKind.Float
                  || Current.IsOperator("(") || Current.IsOperator("[") || Current.IsOperator("{"))
                 && !Current.IsName("else") && !Current.IsName("or") && !Current.IsName("and"))
        {
            if (Current.IsName("is"))
            {
                throw Fail("You cannot chain multiple tests with is", Current);
            }
            var argument = ParsePostfix(ParsePrimary());
            arguments = new CallArguments([argument], [], null, null);
        }
        Expr test = new TestExpr(isToken.Offset, node, name.Value, arguments);
        return negated ? new UnaryExpr(isToken.Offset, UnaryOperator.Not, test) : test;
    }

    private Token ParseDottedName(string what)
    {
        var token = Expect(TokenKind.Name, what);
        var name = token.Value;
        while (SkipOperator("."))
        {
            name += "." + Expect(TokenKind.Name, what).Value;
        }
        return token with { Value = name };
    }
}
