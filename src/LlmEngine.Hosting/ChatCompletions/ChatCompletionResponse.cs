using System.Text.Json.Serialization;
using LlmEngine.Hosting.Sampling;

namespace LlmEngine.Hosting.ChatCompletions;

/// <summary>The body of a non-streamed chat completion (<c>"object": "chat.completion"</c>).</summary>
internal sealed class ChatCompletionResponse
{
    public required string Id { get; init; }

    public string Object => "chat.completion";

    public required long Created { get; init; }

    public required string Model { get; init; }

    public required List<ChatChoice> Choices { get; init; }

    public required Usage Usage { get; init; }

    /// <summary>vLLM's <c>prompt_logprobs</c>: one per prompt position (null for the first), for the whole response.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<Dictionary<string, PromptTokenLogprob>?>? PromptLogprobs { get; init; }
}

/// <summary>One choice of a <see cref="ChatCompletionResponse"/>.</summary>
internal sealed class ChatChoice
{
    public required int Index { get; init; }

    public required ChatResponseMessage Message { get; init; }

    public ChatLogprobs? Logprobs { get; init; }

    public string? FinishReason { get; init; }
}

/// <summary>The answer of a <see cref="ChatChoice"/>; <c>content</c> is null when the answer is only tool calls.</summary>
internal sealed class ChatResponseMessage
{
    /// <summary><c>assistant</c>, or the last message's role when the request asked for no generation prompt (as vLLM).</summary>
    public required string Role { get; init; }

    public string? Content { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ReasoningContent { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<ToolCallResponse>? ToolCalls { get; init; }
}

/// <summary>A tool call the model made.</summary>
internal sealed class ToolCallResponse
{
    public required string Id { get; init; }

    public string Type => "function";

    public required FunctionCallResponse Function { get; init; }
}

/// <summary>The function of a <see cref="ToolCallResponse"/>: <c>arguments</c> is JSON text.</summary>
internal sealed class FunctionCallResponse
{
    public required string Name { get; init; }

    public required string Arguments { get; init; }
}
