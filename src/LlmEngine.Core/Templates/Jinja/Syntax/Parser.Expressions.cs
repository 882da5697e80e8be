using System.Globalization;
using System.Runtime.CompilerServices;

namespace LlmEngine.Templates.Jinja;

/// <summary>
/// Jinja2's parser, expression half, with Jinja's precedence from loosest to tightest: conditional, <c>or</c>,
/// <c>and</c>, <c>not</c>, comparisons and <c>in</c>, <c>+ -</c>, <c>~</c>, <c>* / // %</c>, <c>**</c>, unary
/// <c>- +</c>, then postfix (<c>.x [i] (args)</c>) and filters/tests (<c>| f</c>, <c>is t</c>).
/// </summary>
internal sealed partial class Parser
{
    private static readonly HashSet<string> s_compareOperators = ["==", "!=", "<", "<=", ">", ">="];

    private Expr ParseExpression(bool withCondExpr = true) => withCondExpr ? ParseCondExpr() : ParseOr();

    private Expr ParseCondExpr()
    {
        var offset = Current.Offset;
        var expr = ParseOr();
        while (SkipName("if"))
        {
            var test = ParseOr();
            var otherwise = SkipName("else") ? ParseCondExpr() : null;
            expr = new CondExpr(offset, test, expr, otherwise);
        }
        return expr;
    }

    private Expr ParseOr()
    {
        var offset = Current.Offset;
        var left = ParseAnd();
        while (SkipName("or"))
        {
            left = new BinaryExpr(offset, "or", left, ParseAnd());
        }
        return left;
    }

    private Expr ParseAnd()
    {
        var offset = Current.Offset;
        var left = ParseNot();
        while (SkipName("and"))
        {
            left = new BinaryExpr(offset, "and", left, ParseNot());
        }
        return left;
    }

    private Expr ParseNot()
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        if (Current.IsName("not"))
        {
            var offset = Next().Offset;
            return new UnaryExpr(offset, UnaryOperator.Not, ParseNot());
        }
        return ParseCompare();
    }

    private Expr ParseCompare()
    {
        var offset = Current.Offset;
        var expr = ParseMath1();
        var rest = new List<(string, Expr)>();
        while (true)
        {
            if (Current.Kind == TokenKind.Operator && s_compareOperators.Contains(Current.Value))
            {
                var op = Next().Value;
                rest.Add((op, ParseMath1()));
            }
            else if (SkipName("in"))
            {
                rest.Add(("in", ParseMath1()));
            }
            else if (Current.IsName("not") && Peek().IsName("in"))
            {
                _index += 2;
                rest.Add(("notin", ParseMath1()));
            }
            else
            {
                break;
            }
        }
        return rest.Count == 0 ? expr : new CompareExpr(offset, expr, [.. rest]);
    }

    private Expr ParseMath1()
    {
        var offset = Current.Offset;
        var left = ParseConcat();
        while (Current.IsOperator("+") || Current.IsOperator("-"))
        {
            var op = Next().Value;
            left = new BinaryExpr(offset, op, left, ParseConcat());
        }
        return left;
    }

    private Expr ParseConcat()
    {
        var offset = Current.Offset;
        var first = ParseMath2();
        if (!Current.IsOperator("~"))
        {
            return first;
        }
        var operands = new List<Expr> { first };
        while (SkipOperator("~"))
        {
            operands.Add(ParseMath2());
        }
        return new ConcatExpr(offset, [.. operands]);
    }

    private Expr ParseMath2()
    {
        var offset = Current.Offset;
        var left = ParsePow();
        while (Current.Kind == TokenKind.Operator && Current.Value is "*" or "/" or "//" or "%")
        {
            var op = Next().Value;
            left = new BinaryExpr(offset, op, left, ParsePow());
        }
        return left;
    }

    private Expr ParsePow()
    {
        var offset = Current.Offset;
        var left = ParseUnary();
        while (SkipOperator("**"))
        {
            left = new BinaryExpr(offset, "**", left, ParseUnary());
        }
        return left;
    }

    private Expr ParseUnary(bool withFilter = true)
    {
        // Nesting depth is the template author's to choose; running out of stack must be an error, not a crash.
        RuntimeHelpers.EnsureSufficientExecutionStack();
        var offset = Current.Offset;
        Expr node;
        if (SkipOperator("-"))
        {
            node = new UnaryExpr(offset, UnaryOperator.Negate, ParseUnary(withFilter: false));
        }
        else if (SkipOperator("+"))
        {
            node = new UnaryExpr(offset, UnaryOperator.Plus, ParseUnary(withFilter: false));
        }
        else
        {
            node = ParsePrimary();
        }
        node = ParsePostfix(node);
        return withFilter ? ParseFilterExpr(node) : node;
    }

    private Expr ParsePrimary(bool withNamespace = false)
    {
        var token = Current;
        switch (token.Kind)
        {
            case TokenKind.Name:
                Next();
                switch (token.Value)
                {
                    case "true" or "True": return new ConstExpr(token.Offset, JinjaBool.True);
                    case "false" or "False": return new ConstExpr(token.Offset, JinjaBool.False);
                    case "none" or "None": return new ConstExpr(token.Offset, JinjaNone.Instance);
                }
                if (withNamespace && Current.IsOperator("."))
                {
                    Next();
                    var attribute = Expect(TokenKind.Name, "attribute name");
                    return new NamespaceRefExpr(token.Offset, token.Value, attribute.Value);
                }
                return new NameExpr(token.Offset, token.Value);
            case TokenKind.String:
                Next();
                var text = token.Value;
                while (Current.Kind == TokenKind.String)
                {
                    text += Next().Value;
                }
                return new ConstExpr(token.Offset, JinjaString.Of(text));
            case TokenKind.Integer:
                Next();
                return new ConstExpr(token.Offset, JinjaInt.Of(ParseInteger(token)));
            case TokenKind.Float:
                Next();
                return new ConstExpr(token.Offset, new JinjaFloat(double.Parse(token.Value, NumberStyles.Float, CultureInfo.InvariantCulture)));
            case TokenKind.Operator when token.Value == "(":
                Next();
                var inner = ParseTuple(explicitParentheses: true);
                ExpectOperator(")");
                return inner;
            case TokenKind.Operator when token.Value == "[":
                return ParseList();
            case TokenKind.Operator when token.Value == "{":
                return ParseDict();
            default:
                throw Fail($"unexpected '{token.Describe()}'", token);
        }
    }

    private long ParseInteger(Token token)
    {
        var text = token.Value.Replace("_", string.Empty).ToLowerInvariant();
        try
        {
            return text.Length > 2 && text[0] == '0' && text[1] is 'x' or 'o' or 'b'
                ? Convert.ToInt64(text[2..], text[1] switch { 'x' => 16, 'o' => 8, _ => 2 })
                : long.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is OverflowException or FormatException or ArgumentException)
        {
            throw Fail($"invalid integer literal '{token.Value}'", token);
        }
    }

    private Expr ParseTuple(bool simplified = false, bool withCondExpr = true, string[]? extraEndRules = null,
        bool explicitParentheses = false, bool withNamespace = false)
    {
        var offset = Current.Offset;
        var items = new List<Expr>();
        var isTuple = false;
        while (true)
        {
            if (items.Count > 0)
            {
                ExpectOperator(",");
            }
            if (IsTupleEnd(extraEndRules))
            {
                break;
            }
            items.Add(simplified ? ParsePrimary(withNamespace) : ParseExpression(withCondExpr));
            if (Current.IsOperator(","))
            {
                isTuple = true;
            }
            else
            {
                break;
            }
        }
        if (!isTuple)
        {
            if (items.Count > 0)
            {
                return items[0];
            }
            if (!explicitParentheses)
            {
                throw Fail($"Expected an expression, got '{Current.Describe()}'", Current);
            }
        }
        return new ListExpr(offset, [.. items], IsTuple: true);
    }

    private bool IsTupleEnd(string[]? extraEndRules)
    {
        var token = Current;
        if (token.Kind is TokenKind.VariableEnd or TokenKind.BlockEnd || token.IsOperator(")"))
        {
            return true;
        }
        return extraEndRules is not null && token.Kind == TokenKind.Name && Array.IndexOf(extraEndRules, token.Value) >= 0;
    }

    private ListExpr ParseList()
    {
        var offset = Next().Offset;
        var items = new List<Expr>();
        while (!Current.IsOperator("]"))
        {
            if (items.Count > 0)
            {
                ExpectOperator(",");
            }
            if (Current.IsOperator("]"))
            {
                break;
            }
            items.Add(ParseExpression());
        }
        ExpectOperator("]");
        return new ListExpr(offset, [.. items], IsTuple: false);
    }

    private DictExpr ParseDict()
    {
        var offset = Next().Offset;
        var pairs = new List<(Expr, Expr)>();
        while (!Current.IsOperator("}"))
        {
            if (pairs.Count > 0)
            {
                ExpectOperator(",");
            }
            if (Current.IsOperator("}"))
            {
                break;
            }
            var key = ParseExpression();
            ExpectOperator(":");
            pairs.Add((key, ParseExpression()));
        }
        ExpectOperator("}");
        return new DictExpr(offset, [.. pairs]);
    }
}
