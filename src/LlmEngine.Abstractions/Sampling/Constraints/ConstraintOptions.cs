namespace LlmEngine.Sampling.Constraints;

/// <summary>
/// How a constraint is compiled. Part of a spec's identity: specs with different options compile separately.
/// </summary>
public sealed record ConstraintOptions
{
    /// <summary>The defaults: compact JSON, nesting up to 32 levels, no undeclared object properties.</summary>
    public static ConstraintOptions Default { get; } = new();

    /// <summary>
    /// Whitespace allowed in JSON output at each place JSON permits it (after <c>{ [ , :</c> and before
    /// <c>} ]</c>): 0 (the default) gives compact JSON; <c>n</c> allows up to <c>n</c> of space, tab, CR, LF there.
    /// Bounded so a model cannot pad forever.
    /// </summary>
    public int MaxWhitespace { get; init; }

    /// <summary>
    /// Maximum nesting of JSON objects and arrays (the top-level value counts as 1). Deeper paths are cut off,
    /// which also bounds recursive schemas.
    /// </summary>
    public int MaxNestingDepth { get; init; } = 32;

    /// <summary>
    /// Whether an object schema without <c>additionalProperties</c> admits undeclared properties, as JSON Schema
    /// says. False by default (as OpenAI's strict mode and xgrammar do): outputs then carry only the declared
    /// properties, which every such schema accepts.
    /// </summary>
    public bool AllowUndeclaredProperties { get; init; }

    internal void Validate()
    {
        if (MaxWhitespace is < 0 or > 64)
        {
            throw new ConstraintException($"MaxWhitespace must be between 0 and 64 (was {MaxWhitespace}).");
        }
        if (MaxNestingDepth is < 1 or > 256)
        {
            throw new ConstraintException($"MaxNestingDepth must be between 1 and 256 (was {MaxNestingDepth}).");
        }
    }
}
