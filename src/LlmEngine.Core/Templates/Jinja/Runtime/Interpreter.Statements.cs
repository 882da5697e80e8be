using System.Runtime.CompilerServices;

namespace LlmEngine.Templates.Jinja;

/// <summary>How a statement list ended: normally, or by <c>{% break %}</c> / <c>{% continue %}</c>.</summary>
internal enum Flow
{
    /// <summary>Ran to the end.</summary>
    Normal,

    /// <summary>Hit <c>{% break %}</c>.</summary>
    Break,

    /// <summary>Hit <c>{% continue %}</c>.</summary>
    Continue,
}

/// <summary>Statement execution.</summary>
internal sealed partial class Interpreter
{
    private Flow ExecuteBody(Node[] body, Scope scope)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        foreach (var node in body)
        {
            if (node is TextNode text)
            {
                Write(text.Text);
                continue;
            }
            _offset = node.Offset;
            var flow = Execute(node, scope);
            if (flow != Flow.Normal)
            {
                return flow;
            }
        }
        return Flow.Normal;
    }

    private Flow Execute(Node node, Scope scope)
    {
        switch (node)
        {
            case PrintNode print:
                WriteValue(Evaluate(print.Value, scope));
                return Flow.Normal;
            case IfNode conditional:
                foreach (var (test, body) in conditional.Branches)
                {
                    if (Evaluate(test, scope).IsTruthy)
                    {
                        return ExecuteBody(body, scope);
                    }
                    _offset = node.Offset;
                }
                return ExecuteBody(conditional.Else, scope);
            case ForNode loop:
                return ExecuteFor(loop, Evaluate(loop.Iterable, scope), scope, depth: 1);
            case SetNode set:
                Assign(set.Target, Evaluate(set.Value, scope), scope);
                return Flow.Normal;
            case SetBlockNode setBlock:
                {
                    JinjaValue value = JinjaString.Of(Capture(setBlock.Body, scope, out _));
                    _offset = node.Offset;
                    if (setBlock.Filter is not null)
                    {
                        value = ApplyFilterChain(setBlock.Filter, value, scope);
                    }
                    Assign(setBlock.Target, value, scope);
                    return Flow.Normal;
                }
            case MacroNode macro:
                scope.Set(macro.Name, MakeMacro(macro.Name, macro.Parameters, macro.Body, scope));
                return Flow.Normal;
            case CallBlockNode callBlock:
                {
                    var caller = MakeMacro("caller", callBlock.Parameters, callBlock.Body, scope);
                    WriteValue(EvaluateCall(callBlock.Call, scope, caller));
                    return Flow.Normal;
                }
            case FilterBlockNode filterBlock:
                {
                    var text = Capture(filterBlock.Body, scope, out _);
                    _offset = node.Offset;
                    WriteValue(ApplyFilterChain(filterBlock.Filter, JinjaString.Of(text), scope));
                    return Flow.Normal;
                }
            case WithNode with:
                {
                    var inner = new Scope(scope);
                    foreach (var (target, value) in with.Assignments)
                    {
                        Assign(target, Evaluate(value, scope), inner);
                    }
                    return ExecuteBody(with.Body, inner);
                }
            case DoNode doNode:
                Evaluate(doNode.Value, scope);
                return Flow.Normal;
            case BreakNode:
                return Flow.Break;
            case ContinueNode:
                return Flow.Continue;
            default:
                throw new TemplateError($"unsupported statement {node.GetType().Name}");
        }
    }

    private Flow ExecuteFor(ForNode node, JinjaValue iterable, Scope scope, int depth)
    {
        var items = iterable.Iterate();
        var loopScope = new Scope(scope);
        if (node.Filter is not null)
        {
            var kept = new List<JinjaValue>();
            for (var i = 0; i < items.Count; i++)
            {
                CountIteration();
                loopScope.Clear();
                Assign(node.Target, items[i], loopScope);
                if (Evaluate(node.Filter, loopScope).IsTruthy)
                {
                    kept.Add(items[i]);
                }
            }
            items = kept;
        }
        if (items.Count == 0)
        {
            return ExecuteBody(node.Else, scope);
        }
        var recurse = node.Recursive ? new JinjaFunction((interpreter, args) => interpreter.RecurseLoop(node, args, scope, depth)) : null;
        var loop = new LoopContext(items, depth, recurse);
        var count = items.Count;
        for (var i = 0; i < count; i++)
        {
            CountIteration();
            loopScope.Clear();
            loop.Index0 = i;
            Assign(node.Target, items[i], loopScope);
            loopScope.Set("loop", loop);
            if (ExecuteBody(node.Body, loopScope) == Flow.Break)
            {
                break;
            }
            _offset = node.Offset;
        }
        return Flow.Normal;
    }

    private JinjaString RecurseLoop(ForNode node, Arguments args, Scope scope, int depth)
    {
        if (args.Count != 1)
        {
            throw new TemplateError("loop() takes exactly one argument, the items to loop over");
        }
        Enter();
        try
        {
            var saved = _output;
            _output = new System.Text.StringBuilder();
            try
            {
                ExecuteFor(node, args.Positional[0], scope, depth + 1);
                return JinjaString.Of(_output.ToString());
            }
            finally
            {
                _output = saved;
            }
        }
        finally
        {
            Leave();
        }
    }

    private void Assign(Expr target, JinjaValue value, Scope scope)
    {
        switch (target)
        {
            case NameExpr name:
                scope.Set(name.Name, value);
                break;
            case ListExpr tuple:
                var items = value.Iterate();
                if (items.Count != tuple.Items.Length)
                {
                    throw new TemplateError(items.Count > tuple.Items.Length
                        ? $"too many values to unpack (expected {tuple.Items.Length})"
                        : $"not enough values to unpack (expected {tuple.Items.Length}, got {items.Count})");
                }
                for (var i = 0; i < items.Count; i++)
                {
                    Assign(tuple.Items[i], items[i], scope);
                }
                break;
            case NamespaceRefExpr reference:
                if (!scope.TryGet(reference.Name, out var owner) || owner is not JinjaNamespace ns)
                {
                    throw new TemplateError("cannot assign attribute on non-namespace object");
                }
                ns.Attributes[reference.Attribute] = value;
                break;
            default:
                throw new TemplateError("can't assign to this expression");
        }
    }
}
