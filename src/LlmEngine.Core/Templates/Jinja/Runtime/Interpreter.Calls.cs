namespace LlmEngine.Templates.Jinja;

/// <summary>Calls, filters, tests and macros.</summary>
internal sealed partial class Interpreter
{
    /// <summary>Calls <paramref name="callee"/> with <paramref name="arguments"/>.</summary>
    public JinjaValue CallValue(JinjaValue callee, Arguments arguments) => callee switch
    {
        JinjaCallable callable => callable.Invoke(this, arguments),
        LoopContext { Recurse: { } recurse } => recurse(this, arguments),
        JinjaUndefined undefined => throw undefined.Fail(),
        _ => throw new TemplateError($"'{callee.TypeName}' object is not callable"),
    };

    /// <summary>Applies the filter <paramref name="name"/> (used by <c>map</c> and friends).</summary>
    public JinjaValue CallFilter(string name, JinjaValue value, Arguments arguments)
    {
        if (!Filters.TryGet(name, out var filter))
        {
            throw new TemplateError($"No filter named '{name}'.");
        }
        return filter(this, value, arguments);
    }

    /// <summary>Runs the test <paramref name="name"/> (used by <c>select</c> and friends).</summary>
    public bool CallTest(string name, JinjaValue value, Arguments arguments)
    {
        if (!Tests.TryGet(name, out var test))
        {
            throw new TemplateError($"No test named '{name}'.");
        }
        return test(this, value, arguments);
    }

    private JinjaValue EvaluateCall(CallExpr call, Scope scope, JinjaCallable? caller)
    {
        var callee = Evaluate(call.Callee, scope);
        var arguments = EvaluateArguments(call.Arguments, scope, caller);
        return CallValue(callee, arguments);
    }

    private Arguments EvaluateArguments(CallArguments call, Scope scope, JinjaCallable? caller = null)
    {
        if (call.Positional.Length == 0 && call.Keywords.Length == 0 && call.DynamicPositional is null
            && call.DynamicKeywords is null && caller is null)
        {
            return Arguments.Empty;
        }
        var positional = new List<JinjaValue>(call.Positional.Length);
        foreach (var expr in call.Positional)
        {
            positional.Add(Evaluate(expr, scope));
        }
        List<KeyValuePair<string, JinjaValue>>? keywords = null;
        if (call.Keywords.Length > 0 || call.DynamicKeywords is not null || caller is not null)
        {
            keywords = new List<KeyValuePair<string, JinjaValue>>(call.Keywords.Length + 1);
            foreach (var (name, expr) in call.Keywords)
            {
                keywords.Add(new(name, Evaluate(expr, scope)));
            }
        }
        if (call.DynamicPositional is not null)
        {
            positional.AddRange(Evaluate(call.DynamicPositional, scope).Iterate());
        }
        if (call.DynamicKeywords is not null)
        {
            if (Evaluate(call.DynamicKeywords, scope) is not JinjaDict dict)
            {
                throw new TemplateError("argument after ** must be a mapping");
            }
            foreach (var (key, value) in dict.Items)
            {
                keywords!.Add(new(key.ToStr(), value));
            }
        }
        if (caller is not null)
        {
            keywords!.Add(new("caller", caller));
        }
        return new Arguments(positional, keywords);
    }

    private JinjaValue ApplyFilter(FilterExpr filter, JinjaValue value, Scope scope) =>
        CallFilter(filter.Name, value, EvaluateArguments(filter.Arguments, scope));

    // Applies a filter chain whose innermost filter has no target (filter blocks, block sets) to input.
    private JinjaValue ApplyFilterChain(FilterExpr filter, JinjaValue input, Scope scope)
    {
        var value = filter.Target switch
        {
            null => input,
            FilterExpr inner => ApplyFilterChain(inner, input, scope),
            _ => Evaluate(filter.Target, scope),
        };
        return ApplyFilter(filter, value, scope);
    }

    private bool RunTest(TestExpr test, Scope scope) =>
        CallTest(test.Name, Evaluate(test.Target, scope), EvaluateArguments(test.Arguments, scope));

    private JinjaCallable MakeMacro(string name, Parameter[] parameters, Node[] body, Scope definingScope) =>
        new(name, (interpreter, arguments) => interpreter.InvokeMacro(name, parameters, body, definingScope, arguments));

    // Binds arguments like Jinja's Macro: by position, then by name, then defaults (evaluated at call time, in the
    // macro's scope so they may refer to earlier parameters); extras land in varargs and kwargs.
    private JinjaString InvokeMacro(string name, Parameter[] parameters, Node[] body, Scope definingScope, Arguments arguments)
    {
        Enter();
        var savedOffset = _offset;
        try
        {
            var scope = new Scope(definingScope);
            var keywords = arguments.Keywords is null ? null : new List<KeyValuePair<string, JinjaValue>>(arguments.Keywords);
            for (var i = 0; i < parameters.Length; i++)
            {
                var parameter = parameters[i];
                JinjaValue? value = i < arguments.Count ? arguments.Positional[i] : TakeKeyword(keywords, parameter.Name);
                if (value is null)
                {
                    value = parameter.Default is null ? JinjaUndefined.MissingVariable(parameter.Name) : Evaluate(parameter.Default, scope);
                }
                scope.Set(parameter.Name, value);
            }
            var varargs = new List<JinjaValue>();
            for (var i = parameters.Length; i < arguments.Count; i++)
            {
                varargs.Add(arguments.Positional[i]);
            }
            scope.Set("varargs", new JinjaList(varargs, isTuple: true));
            var kwargs = new JinjaDict();
            if (keywords is not null)
            {
                foreach (var (key, value) in keywords)
                {
                    if (key == "caller")
                    {
                        scope.Set("caller", value);
                    }
                    else
                    {
                        kwargs.Set(key, value);
                    }
                }
            }
            scope.Set("kwargs", kwargs);
            return JinjaString.Of(Capture(body, scope, out _));
        }
        finally
        {
            _offset = savedOffset;
            Leave();
        }
    }

    private static JinjaValue? TakeKeyword(List<KeyValuePair<string, JinjaValue>>? keywords, string name)
    {
        if (keywords is null)
        {
            return null;
        }
        for (var i = 0; i < keywords.Count; i++)
        {
            if (keywords[i].Key == name)
            {
                var value = keywords[i].Value;
                keywords.RemoveAt(i);
                return value;
            }
        }
        return null;
    }
}
