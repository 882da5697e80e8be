using System.Text.Json.Nodes;
using LlmEngine.Sampling.Constraints;

namespace LlmEngine.Chat.Mapping;

/// <summary>Everything one chat call resolved from its messages and <see cref="Microsoft.Extensions.AI.ChatOptions"/>, before any engine work.</summary>
internal sealed class ChatRequestPlan
{
    /// <summary>The engine's sampling parameters (validated, delta outputs, one completion).</summary>
    public required SamplingParameters Parameters { get; init; }

    /// <summary>The conversation as template message objects.</summary>
    public required JsonArray Messages { get; init; }

    /// <summary>The tools as template tool objects, or null when the model is not offered tools.</summary>
    public JsonArray? Tools { get; init; }

    /// <summary>The names of the offered tools.</summary>
    public required IReadOnlySet<string> ToolNames { get; init; }

    /// <summary>How tool calls are parsed from the output (<see cref="ToolCallFormat.None"/> when no tools are offered).</summary>
    public required ToolCallFormat ToolCallFormat { get; init; }

    /// <summary>Whether more than the first tool call may be returned.</summary>
    public bool AllowMultipleToolCalls { get; init; } = true;

    /// <summary>Variables for the template besides messages and tools (chat_template_kwargs).</summary>
    public required IReadOnlyDictionary<string, object?> TemplateVariables { get; init; }

    /// <summary>Whether the prompt ends with a new assistant turn's header.</summary>
    public bool AddGenerationPrompt { get; init; } = true;

    /// <summary>Whether <c>&lt;think&gt;</c> blocks are split from the answer.</summary>
    public bool ParseReasoning { get; init; } = true;

    /// <summary>Whether split-off reasoning is returned (false drops it: <see cref="Microsoft.Extensions.AI.ReasoningOutput.None"/>).</summary>
    public bool EmitReasoning { get; init; } = true;

    /// <summary>
    /// The structured output <see cref="Microsoft.Extensions.AI.ChatOptions.ResponseFormat"/> asks for
    /// (<see cref="JsonObjectConstraint"/> or <see cref="JsonSchemaConstraint"/>), for the sampler's constraints.
    /// </summary>
    public ConstraintSpec? OutputConstraint { get; init; }

    /// <summary>Whether <see cref="Microsoft.Extensions.AI.ChatToolMode.RequireAny"/> or a named function requires a tool call.</summary>
    public bool ToolCallRequired { get; init; }

    /// <summary>The function a tool call must name (<see cref="Microsoft.Extensions.AI.ChatToolMode.RequireSpecific"/>), if any.</summary>
    public string? RequiredToolName { get; init; }

    /// <summary>Scheduling priority (lower first).</summary>
    public int Priority { get; init; }

    /// <summary>The template that renders this request instead of the model's (vLLM's per-request <c>chat_template</c>), or null.</summary>
    public Templates.ChatTemplate? ChatTemplate { get; init; }

    /// <summary>Whether the prompt ends inside the final assistant message, which the model continues.</summary>
    public bool ContinueFinalMessage { get; init; }
}
