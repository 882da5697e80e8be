namespace LlmEngine.Templates.Jinja;

/// <summary>Python's <c>==</c> and <c>hash</c> for dict keys and <c>unique</c>: 1, 1.0 and True are the same key.</summary>
internal sealed class JinjaValueComparer : IEqualityComparer<JinjaValue>
{
    /// <summary>The comparer.</summary>
    public static readonly JinjaValueComparer Instance = new();

    /// <inheritdoc />
    public bool Equals(JinjaValue? x, JinjaValue? y) =>
        ReferenceEquals(x, y) || (x is not null && y is not null && Operators.AreEqual(x, y));

    /// <inheritdoc />
    public int GetHashCode(JinjaValue value) => value switch
    {
        JinjaString s => s.Value.GetHashCode(StringComparison.Ordinal),
        JinjaInt i => i.Value.GetHashCode(),
        JinjaBool b => (b.Value ? 1L : 0L).GetHashCode(),
        JinjaFloat f when f.Value == Math.Floor(f.Value) && Math.Abs(f.Value) < 9.2e18 => ((long)f.Value).GetHashCode(),
        JinjaFloat f => f.Value.GetHashCode(),
        JinjaNone => 0x5A5A5A5A,
        JinjaUndefined => 0x0DEF0DEF,
        JinjaList { IsTuple: true } t => HashTuple(t),
        JinjaList or JinjaDict => throw new TemplateError($"unhashable type: '{value.TypeName}'"),
        _ => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(value),
    };

    private int HashTuple(JinjaList tuple)
    {
        var hash = new HashCode();
        foreach (var item in tuple.Items)
        {
            hash.Add(GetHashCode(item));
        }
        return hash.ToHashCode();
    }
}
