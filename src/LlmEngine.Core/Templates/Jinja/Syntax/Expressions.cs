namespace LlmEngine.Templates.Jinja;

/// <summary>An expression; <see cref="Offset"/> is where it starts in the normalized source.</summary>
internal abstract record Expr(int Offset);

/// <summary>A literal: string, number, true/false, none.</summary>
internal sealed record ConstExpr(int Offset, JinjaValue Value) : Expr(Offset);

/// <summary>A variable reference.</summary>
internal sealed record NameExpr(int Offset, string Name) : Expr(Offset);

/// <summary>A list literal, or a tuple (<c>(a, b)</c>, <c>a, b</c>).</summary>
internal sealed record ListExpr(int Offset, Expr[] Items, bool IsTuple) : Expr(Offset);

/// <summary>A dict literal.</summary>
internal sealed record DictExpr(int Offset, (Expr Key, Expr Value)[] Pairs) : Expr(Offset);

/// <summary><c>target.name</c>; <see cref="Key"/> is the name pre-built as a dict key.</summary>
internal sealed record GetAttrExpr(int Offset, Expr Target, string Name, JinjaString Key) : Expr(Offset);

/// <summary><c>target[key]</c>.</summary>
internal sealed record GetItemExpr(int Offset, Expr Target, Expr Key) : Expr(Offset);

/// <summary>A slice inside brackets: <c>start:stop:step</c>, each optional.</summary>
internal sealed record SliceExpr(int Offset, Expr? Start, Expr? Stop, Expr? Step) : Expr(Offset);

/// <summary>The arguments of a call, filter or test.</summary>
internal sealed record CallArguments(Expr[] Positional, (string Name, Expr Value)[] Keywords, Expr? DynamicPositional, Expr? DynamicKeywords)
{
    /// <summary>No arguments.</summary>
    public static readonly CallArguments None = new([], [], null, null);
}

/// <summary><c>callee(args)</c>.</summary>
internal sealed record CallExpr(int Offset, Expr Callee, CallArguments Arguments) : Expr(Offset);

/// <summary><c>target | name(args)</c>; <see cref="Target"/> is null inside <c>{% filter %}</c> and block sets.</summary>
internal sealed record FilterExpr(int Offset, Expr? Target, string Name, CallArguments Arguments) : Expr(Offset);

/// <summary><c>target is name(args)</c>.</summary>
internal sealed record TestExpr(int Offset, Expr Target, string Name, CallArguments Arguments) : Expr(Offset);

/// <summary>The unary operators.</summary>
internal enum UnaryOperator
{
    /// <summary><c>not x</c>.</summary>
    Not,

    /// <summary><c>-x</c>.</summary>
    Negate,

    /// <summary><c>+x</c>.</summary>
    Plus,
}

/// <summary>A unary operation.</summary>
internal sealed record UnaryExpr(int Offset, UnaryOperator Operator, Expr Operand) : Expr(Offset);

/// <summary>A binary operation; the operator is its source text (<c>+ - * / // % ** and or</c>).</summary>
internal sealed record BinaryExpr(int Offset, string Operator, Expr Left, Expr Right) : Expr(Offset);

/// <summary><c>a ~ b ~ c</c>: string concatenation of each operand's <c>str()</c>.</summary>
internal sealed record ConcatExpr(int Offset, Expr[] Operands) : Expr(Offset);

/// <summary>A chain of comparisons, <c>a &lt; b &lt;= c</c>, with operators <c>== != &lt; &lt;= &gt; &gt;= in notin</c>.</summary>
internal sealed record CompareExpr(int Offset, Expr First, (string Operator, Expr Operand)[] Rest) : Expr(Offset);

/// <summary><c>then if test else otherwise</c>; a missing else yields undefined.</summary>
internal sealed record CondExpr(int Offset, Expr Test, Expr Then, Expr? Else) : Expr(Offset);

/// <summary><c>ns.attr</c> as an assignment target.</summary>
internal sealed record NamespaceRefExpr(int Offset, string Name, string Attribute) : Expr(Offset);
