using System.Text.Json.Serialization;
using LlmEngine.Hosting.Sampling;

namespace LlmEngine.Hosting.ChatCompletions;

/// <summary>One server-sent event of a streamed chat completion (<c>"object": "chat.completion.chunk"</c>).</summary>
internal sealed class ChatCompletionChunk
{
    public required string Id { get; init; }

    public string Object => "chat.completion.chunk";

    public required long Created { get; init; }

    public required string Model { get; init; }

    public required List<ChatChunkChoice> Choices { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public UsageSlot? Usage { get; init; }
}

/// <summary>A choice's part of a chunk; <c>logprobs</c> and <c>finish_reason</c> are always present, null until set.</summary>
internal sealed class ChatChunkChoice
{
    public required int Index { get; init; }

    public required ChatDelta Delta { get; init; }

    public ChatLogprobs? Logprobs { get; init; }

    public string? FinishReason { get; init; }
}

/// <summary>What a chunk adds to a choice's message.</summary>
internal sealed class ChatDelta
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Role { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Content { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ReasoningContent { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<ToolCallDelta>? ToolCalls { get; init; }
}

/// <summary>A tool-call delta: the first for a call carries id, type and name; later ones only argument text.</summary>
internal sealed class ToolCallDelta
{
    public required int Index { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Id { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Type { get; init; }

    public required FunctionCallDelta Function { get; init; }
}

/// <summary>The function part of a <see cref="ToolCallDelta"/>.</summary>
internal sealed class FunctionCallDelta
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Name { get; init; }

    public required string Arguments { get; init; }
}
