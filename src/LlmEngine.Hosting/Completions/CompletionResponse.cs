using System.Text.Json.Serialization;
using LlmEngine.Hosting.Sampling;

namespace LlmEngine.Hosting.Completions;

/// <summary>A completion (<c>"object": "text_completion"</c>), whole or as one streamed chunk.</summary>
internal sealed class CompletionResponse
{
    public required string Id { get; init; }

    public string Object => "text_completion";

    public required long Created { get; init; }

    public required string Model { get; init; }

    public required List<CompletionChoice> Choices { get; init; }

    /// <summary>Set on whole responses; on chunks only with <c>stream_options.include_usage</c>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public UsageSlot? Usage { get; init; }
}

/// <summary>One choice of a <see cref="CompletionResponse"/>.</summary>
internal sealed class CompletionChoice
{
    public required int Index { get; init; }

    public required string Text { get; init; }

    public CompletionLogprobs? Logprobs { get; init; }

    public string? FinishReason { get; init; }

    /// <summary>vLLM's <c>prompt_logprobs</c>: per prompt position (null for the first), token id to its log-probability.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<Dictionary<string, PromptTokenLogprob>?>? PromptLogprobs { get; init; }
}

/// <summary>The legacy completions <c>logprobs</c> object: parallel lists per generated token.</summary>
internal sealed class CompletionLogprobs
{
    public required List<string> Tokens { get; init; }

    public required List<float?> TokenLogprobs { get; init; }

    public required List<Dictionary<string, float>?> TopLogprobs { get; init; }

    public required List<int> TextOffset { get; init; }
}
