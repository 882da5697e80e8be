namespace LlmEngine.Sampling.Constraints;

/// <summary>
/// What a request's output must match: a JSON schema, any JSON object, a regex, one of several strings, or a GBNF
/// grammar. Specs are values (records): equal specs share one compiled constraint in <see cref="ConstraintCompiler"/>.
/// </summary>
public abstract record ConstraintSpec
{
    /// <summary>Compilation options (whitespace, nesting depth, undeclared properties).</summary>
    public ConstraintOptions Options { get; init; } = ConstraintOptions.Default;
}

/// <summary>Output is JSON valid against a JSON schema (draft 2020-12 subset; see the docs for the keywords).</summary>
/// <param name="Schema">The schema as JSON text.</param>
public sealed record JsonSchemaConstraint(string Schema) : ConstraintSpec;

/// <summary>Output is any JSON object (OpenAI's <c>response_format: json_object</c>).</summary>
public sealed record JsonObjectConstraint : ConstraintSpec;

/// <summary>
/// Output fully matches a regular expression (ECMAScript-style subset: literals, classes, escapes, quantifiers,
/// alternation, groups; anchors are implicit).
/// </summary>
/// <param name="Pattern">The pattern.</param>
public sealed record RegexConstraint(string Pattern) : ConstraintSpec;

/// <summary>Output is exactly one of the given strings.</summary>
/// <param name="Choices">The allowed outputs; must not be empty.</param>
public sealed record ChoiceConstraint(IReadOnlyList<string> Choices) : ConstraintSpec
{
    /// <summary>Equal when the options and the choices (in order) are equal.</summary>
    public bool Equals(ChoiceConstraint? other) =>
        other is not null && base.Equals(other) && Choices.SequenceEqual(other.Choices, StringComparer.Ordinal);

    /// <summary>Hash of the options and the choices.</summary>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(base.GetHashCode());
        foreach (var choice in Choices)
        {
            hash.Add(choice, StringComparer.Ordinal);
        }
        return hash.ToHashCode();
    }
}

/// <summary>Output matches a grammar in llama.cpp's GBNF format, starting at the rule <c>root</c>.</summary>
/// <param name="Grammar">The GBNF text.</param>
public sealed record GbnfGrammarConstraint(string Grammar) : ConstraintSpec;
