using System.Text.Json;
using LlmEngine.Hosting.Sampling;

namespace LlmEngine.Hosting.ChatCompletions;

/// <summary>The body of <c>POST /v1/chat/completions</c>.</summary>
internal sealed class ChatCompletionRequest : SamplingRequest
{
    public List<ChatMessageRequest?>? Messages { get; set; }

    public int? MaxCompletionTokens { get; set; }

    public bool? Logprobs { get; set; }

    public int? TopLogprobs { get; set; }

    public List<ToolDefinition?>? Tools { get; set; }

    /// <summary><c>"none"</c>, <c>"auto"</c>, <c>"required"</c> or <c>{"type": "function", "function": {"name": ...}}</c>.</summary>
    public JsonElement ToolChoice { get; set; }

    public bool? ParallelToolCalls { get; set; }

    public string? ChatTemplate { get; set; }

    public Dictionary<string, JsonElement>? ChatTemplateKwargs { get; set; }

    public bool? AddGenerationPrompt { get; set; }

    public bool? ContinueFinalMessage { get; set; }

    public bool? Echo { get; set; }
}

/// <summary>One message of a chat request.</summary>
internal sealed class ChatMessageRequest
{
    public string? Role { get; set; }

    /// <summary>A string, an array of content parts, or null (an assistant message with tool calls).</summary>
    public JsonElement Content { get; set; }

    public string? Name { get; set; }

    public List<ToolCallRequest?>? ToolCalls { get; set; }

    public string? ToolCallId { get; set; }

    /// <summary>vLLM's field for an assistant turn's reasoning, sent back in history.</summary>
    public string? ReasoningContent { get; set; }
}

/// <summary>A tool call in an assistant message of the history.</summary>
internal sealed class ToolCallRequest
{
    public string? Id { get; set; }

    public string? Type { get; set; }

    public FunctionCallRequest? Function { get; set; }
}

/// <summary>The function of a <see cref="ToolCallRequest"/>; <c>arguments</c> is a JSON string, as OpenAI sends it.</summary>
internal sealed class FunctionCallRequest
{
    public string? Name { get; set; }

    public JsonElement Arguments { get; set; }
}

/// <summary>An offered tool: <c>{"type": "function", "function": {"name", "description", "parameters", "strict"}}</c>.</summary>
internal sealed class ToolDefinition
{
    public string? Type { get; set; }

    public FunctionDefinition? Function { get; set; }
}

/// <summary>The function of a <see cref="ToolDefinition"/>.</summary>
internal sealed class FunctionDefinition
{
    public string? Name { get; set; }

    public string? Description { get; set; }

    public JsonElement Parameters { get; set; }

    public bool? Strict { get; set; }
}
