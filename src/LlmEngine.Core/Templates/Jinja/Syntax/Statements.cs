namespace LlmEngine.Templates.Jinja;

/// <summary>A template statement; <see cref="Offset"/> is where its tag starts in the normalized source.</summary>
internal abstract record Node(int Offset);

/// <summary>Template text, written as is.</summary>
internal sealed record TextNode(int Offset, string Text) : Node(Offset);

/// <summary><c>{{ expr }}</c>.</summary>
internal sealed record PrintNode(int Offset, Expr Value) : Node(Offset);

/// <summary><c>{% if %}...{% elif %}...{% else %}...{% endif %}</c>.</summary>
internal sealed record IfNode(int Offset, (Expr Test, Node[] Body)[] Branches, Node[] Else) : Node(Offset);

/// <summary><c>{% for target in iter if filter recursive %}...{% else %}...{% endfor %}</c>.</summary>
internal sealed record ForNode(int Offset, Expr Target, Expr Iterable, Expr? Filter, Node[] Body, Node[] Else, bool Recursive) : Node(Offset);

/// <summary><c>{% set target = value %}</c>.</summary>
internal sealed record SetNode(int Offset, Expr Target, Expr Value) : Node(Offset);

/// <summary><c>{% set target | filters %}...{% endset %}</c>.</summary>
internal sealed record SetBlockNode(int Offset, Expr Target, FilterExpr? Filter, Node[] Body) : Node(Offset);

/// <summary>A parameter of a macro or call block, with its default value expression.</summary>
internal sealed record Parameter(string Name, Expr? Default);

/// <summary><c>{% macro name(params) %}...{% endmacro %}</c>.</summary>
internal sealed record MacroNode(int Offset, string Name, Parameter[] Parameters, Node[] Body) : Node(Offset);

/// <summary><c>{% call(params) macro(args) %}...{% endcall %}</c>: the body becomes the macro's <c>caller()</c>.</summary>
internal sealed record CallBlockNode(int Offset, Parameter[] Parameters, CallExpr Call, Node[] Body) : Node(Offset);

/// <summary><c>{% filter name(args) | ... %}...{% endfilter %}</c>.</summary>
internal sealed record FilterBlockNode(int Offset, FilterExpr Filter, Node[] Body) : Node(Offset);

/// <summary><c>{% with a = 1, b = 2 %}...{% endwith %}</c>.</summary>
internal sealed record WithNode(int Offset, (Expr Target, Expr Value)[] Assignments, Node[] Body) : Node(Offset);

/// <summary><c>{% do expr %}</c>: evaluates and discards.</summary>
internal sealed record DoNode(int Offset, Expr Value) : Node(Offset);

/// <summary><c>{% break %}</c>.</summary>
internal sealed record BreakNode(int Offset) : Node(Offset);

/// <summary><c>{% continue %}</c>.</summary>
internal sealed record ContinueNode(int Offset) : Node(Offset);
