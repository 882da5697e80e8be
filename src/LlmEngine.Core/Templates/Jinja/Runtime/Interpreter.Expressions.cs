using System.Runtime.CompilerServices;
using System.Text;

namespace LlmEngine.Templates.Jinja;

/// <summary>Expression evaluation.</summary>
internal sealed partial class Interpreter
{
    /// <summary>Evaluates <paramref name="expr"/> in <paramref name="scope"/>.</summary>
    public JinjaValue Evaluate(Expr expr, Scope scope)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        switch (expr)
        {
            case ConstExpr constant:
                return constant.Value;
            case NameExpr name:
                return Lookup(name.Name, scope);
            case GetAttrExpr attribute:
                {
                    var target = Evaluate(attribute.Target, scope);
                    return target is JinjaDict dict ? dict.GetAttribute(attribute.Key) : target.GetAttribute(attribute.Name);
                }
            case GetItemExpr item:
                {
                    var target = Evaluate(item.Target, scope);
                    return item.Key is SliceExpr slice ? Slice(target, slice, scope) : target.GetItem(Evaluate(item.Key, scope));
                }
            case ListExpr list:
                {
                    var items = new List<JinjaValue>(list.Items.Length);
                    foreach (var element in list.Items)
                    {
                        items.Add(Evaluate(element, scope));
                    }
                    return new JinjaList(items, list.IsTuple);
                }
            case DictExpr dict:
                {
                    var result = new JinjaDict(dict.Pairs.Length);
                    foreach (var (key, value) in dict.Pairs)
                    {
                        result.Items[Evaluate(key, scope)] = Evaluate(value, scope);
                    }
                    return result;
                }
            case CallExpr call:
                return EvaluateCall(call, scope, caller: null);
            case FilterExpr filter:
                return ApplyFilter(filter, filter.Target is null ? JinjaUndefined.Instance : Evaluate(filter.Target, scope), scope);
            case TestExpr test:
                return JinjaBool.Of(RunTest(test, scope));
            case UnaryExpr unary:
                return EvaluateUnary(unary, scope);
            case BinaryExpr binary:
                return EvaluateBinary(binary, scope);
            case ConcatExpr concat:
                {
                    var sb = new StringBuilder();
                    foreach (var operand in concat.Operands)
                    {
                        Evaluate(operand, scope).WriteStr(sb);
                        Operators.CheckLength(sb.Length, Options.MaxOutputLength);
                    }
                    return JinjaString.Of(sb.ToString());
                }
            case CompareExpr compare:
                return JinjaBool.Of(EvaluateCompare(compare, scope));
            case CondExpr conditional:
                if (Evaluate(conditional.Test, scope).IsTruthy)
                {
                    return Evaluate(conditional.Then, scope);
                }
                return conditional.Else is null ? JinjaUndefined.Instance : Evaluate(conditional.Else, scope);
            default:
                throw new TemplateError($"cannot evaluate {expr.GetType().Name} here");
        }
    }

    /// <summary>A variable: the innermost scope that defines it, then the built-in globals, else undefined.</summary>
    public static JinjaValue Lookup(string name, Scope scope)
    {
        if (scope.TryGet(name, out var value) || Globals.TryGet(name, out value))
        {
            return value;
        }
        return JinjaUndefined.MissingVariable(name);
    }

    private JinjaValue EvaluateUnary(UnaryExpr unary, Scope scope)
    {
        var operand = Evaluate(unary.Operand, scope);
        switch (unary.Operator)
        {
            case UnaryOperator.Not:
                return JinjaBool.Of(!operand.IsTruthy);
            case UnaryOperator.Negate:
                return Operators.Negate(operand);
            default:
                if (operand is JinjaUndefined undefined)
                {
                    throw undefined.Fail();
                }
                if (!Operators.IsNumber(operand))
                {
                    throw new TemplateError($"bad operand type for unary +: '{operand.TypeName}'");
                }
                return operand is JinjaBool b ? JinjaInt.Of(b.Value ? 1 : 0) : operand;
        }
    }

    private JinjaValue EvaluateBinary(BinaryExpr binary, Scope scope)
    {
        var left = Evaluate(binary.Left, scope);
        switch (binary.Operator)
        {
            case "and":
                return left.IsTruthy ? Evaluate(binary.Right, scope) : left;
            case "or":
                return left.IsTruthy ? left : Evaluate(binary.Right, scope);
        }
        var right = Evaluate(binary.Right, scope);
        return binary.Operator switch
        {
            "+" => Operators.Add(left, right, Options.MaxOutputLength),
            "*" => Operators.Multiply(left, right, Options.MaxOutputLength),
            "-" => Operators.Arithmetic('-', left, right),
            "/" => Operators.Arithmetic('/', left, right),
            "//" => Operators.Arithmetic('f', left, right),
            "%" => Operators.Arithmetic('%', left, right),
            _ => Operators.Arithmetic('p', left, right),
        };
    }

    private bool EvaluateCompare(CompareExpr compare, Scope scope)
    {
        var left = Evaluate(compare.First, scope);
        foreach (var (op, operandExpr) in compare.Rest)
        {
            var right = Evaluate(operandExpr, scope);
            var holds = op switch
            {
                "==" => Operators.AreEqual(left, right),
                "!=" => !Operators.AreEqual(left, right),
                "<" => Operators.Compare(left, right, op) < 0,
                "<=" => Operators.Compare(left, right, op) <= 0,
                ">" => Operators.Compare(left, right, op) > 0,
                ">=" => Operators.Compare(left, right, op) >= 0,
                "in" => Operators.Contains(right, left),
                _ => !Operators.Contains(right, left),
            };
            if (!holds)
            {
                return false;
            }
            left = right;
        }
        return true;
    }

    private JinjaValue Slice(JinjaValue target, SliceExpr slice, Scope scope)
    {
        var start = slice.Start is null ? null : Evaluate(slice.Start, scope);
        var stop = slice.Stop is null ? null : Evaluate(slice.Stop, scope);
        var step = slice.Step is null ? null : Evaluate(slice.Step, scope);
        return Sequences.Slice(target, start, stop, step);
    }
}
