namespace LlmEngine.Templates.Jinja;

/// <summary>
/// One level of variables. Lookups walk outward; <c>{% set %}</c> writes to the innermost scope, which is why a
/// variable set inside a loop body is gone after the loop (and why templates use <c>namespace()</c>).
/// </summary>
internal sealed class Scope(Scope? parent)
{
    private Dictionary<string, JinjaValue>? _variables;

    /// <summary>The enclosing scope.</summary>
    public Scope? Parent { get; } = parent;

    /// <summary>Finds <paramref name="name"/> here or in an enclosing scope.</summary>
    public bool TryGet(string name, out JinjaValue value)
    {
        for (var scope = this; scope is not null; scope = scope.Parent)
        {
            if (scope._variables is not null && scope._variables.TryGetValue(name, out value!))
            {
                return true;
            }
        }
        value = JinjaUndefined.Instance;
        return false;
    }

    /// <summary>Sets <paramref name="name"/> in this scope.</summary>
    public void Set(string name, JinjaValue value)
    {
        _variables ??= new Dictionary<string, JinjaValue>(StringComparer.Ordinal);
        _variables[name] = value;
    }

    /// <summary>Forgets this scope's own variables (a loop reuses its scope for each iteration).</summary>
    public void Clear() => _variables?.Clear();
}
