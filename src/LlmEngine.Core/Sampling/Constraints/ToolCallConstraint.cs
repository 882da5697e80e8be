using LlmEngine.Chat;

namespace LlmEngine.Sampling.Constraints;

/// <summary>
/// Output is tool calls written the way a chat template family writes them (<see cref="ToolCallFormat"/>), each
/// naming one of <see cref="Tools"/> with arguments valid against that tool's parameter schema, so the chat client's
/// tool-call parser always reads them as calls. <see cref="Required"/> (OpenAI's <c>tool_choice: required</c>, or a
/// named tool when <see cref="Tools"/> holds just that one) makes the whole output calls; otherwise (<c>auto</c>) the
/// model may answer in text, and once it writes the call marker the rest of the output is calls.
/// </summary>
/// <remarks>
/// Call markers match whether the vocabulary holds them as special tokens (Mistral's <c>[TOOL_CALLS]</c>) or as
/// ordinary text. Arguments are generated as JSON under <see cref="ConstraintSpec.Options"/>; the call object around
/// them takes the same whitespace, so <c>MaxWhitespace = 1</c> admits the <c>{"name": "f", "arguments": ...}</c>
/// spacing templates show models.
/// </remarks>
public sealed record ToolCallConstraint : ConstraintSpec
{
    /// <summary>Creates a constraint for calls to <paramref name="tools"/> in <paramref name="format"/>.</summary>
    /// <param name="format">The syntax: <see cref="ToolCallFormat.Hermes"/>, <see cref="ToolCallFormat.Llama3Json"/>, <see cref="ToolCallFormat.Mistral"/> or <see cref="ToolCallFormat.Json"/>.</param>
    /// <param name="tools">The tools a call may name; at least one.</param>
    public ToolCallConstraint(ToolCallFormat format, IReadOnlyList<ToolCallSchema> tools)
    {
        ArgumentNullException.ThrowIfNull(tools);
        Format = format;
        Tools = tools;
    }

    /// <summary>The family's tool-call syntax.</summary>
    public ToolCallFormat Format { get; }

    /// <summary>The tools a call may name.</summary>
    public IReadOnlyList<ToolCallSchema> Tools { get; }

    /// <summary>Whether the output must be calls (true, the default) or may be text until a call starts (false).</summary>
    public bool Required { get; init; } = true;

    /// <summary>Whether a required output may hold more than one call (auto outputs always may: the parser keeps what it wants).</summary>
    public bool AllowParallelCalls { get; init; } = true;

    /// <summary>
    /// Whether the output starts inside a reasoning block (the prompt ended with <c>&lt;think&gt;</c>): free text up to
    /// <c>&lt;/think&gt;</c> comes first, then the calls.
    /// </summary>
    public bool OpensReasoning { get; init; }

    /// <summary>Equal when every setting and the tools (in order) are equal.</summary>
    public bool Equals(ToolCallConstraint? other) =>
        other is not null && base.Equals(other) && Format == other.Format && Required == other.Required
        && AllowParallelCalls == other.AllowParallelCalls && OpensReasoning == other.OpensReasoning && Tools.SequenceEqual(other.Tools);

    /// <summary>Hash of the settings and the tools.</summary>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(base.GetHashCode());
        hash.Add(Format);
        hash.Add(Required);
        hash.Add(AllowParallelCalls);
        hash.Add(OpensReasoning);
        foreach (var tool in Tools)
        {
            hash.Add(tool);
        }
        return hash.ToHashCode();
    }
}
