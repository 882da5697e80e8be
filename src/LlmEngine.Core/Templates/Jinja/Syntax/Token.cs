namespace LlmEngine.Templates.Jinja;

/// <summary>The kinds of token the lexer produces.</summary>
internal enum TokenKind
{
    /// <summary>Template text outside tags.</summary>
    Data,

    /// <summary><c>{{</c>.</summary>
    VariableBegin,

    /// <summary><c>}}</c>.</summary>
    VariableEnd,

    /// <summary><c>{%</c>.</summary>
    BlockBegin,

    /// <summary><c>%}</c>.</summary>
    BlockEnd,

    /// <summary>An identifier or keyword.</summary>
    Name,

    /// <summary>A string literal (value unescaped).</summary>
    String,

    /// <summary>An integer literal.</summary>
    Integer,

    /// <summary>A float literal.</summary>
    Float,

    /// <summary>An operator or punctuation: <c>+ - * / // % ** ~ == != &lt; &lt;= &gt; &gt;= = . , : | ( ) [ ] { }</c>.</summary>
    Operator,

    /// <summary>The end of the template.</summary>
    Eof,
}

/// <summary>One token: its kind, its value (unescaped for strings) and its offset in the normalized source.</summary>
internal readonly record struct Token(TokenKind Kind, string Value, int Offset)
{
    /// <summary>True for an operator token with this exact text.</summary>
    public bool IsOperator(string op) => Kind == TokenKind.Operator && Value == op;

    /// <summary>True for a name token with this exact text.</summary>
    public bool IsName(string name) => Kind == TokenKind.Name && Value == name;

    /// <summary>How the token reads in an error message (Jinja's describe_token).</summary>
    public string Describe() => Kind switch
    {
        TokenKind.Eof => "end of template",
        TokenKind.BlockEnd => "end of statement block",
        TokenKind.VariableEnd => "end of print statement",
        TokenKind.BlockBegin => "begin of statement block",
        TokenKind.VariableBegin => "begin of print statement",
        TokenKind.Data => "template data",
        TokenKind.String => "string",
        _ => Value,
    };
}
