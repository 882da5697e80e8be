using System.Text.Json;
using LlmEngine.Hosting.ChatCompletions;

namespace LlmEngine.Hosting.Tokenization;

/// <summary>
/// The body of <c>POST /tokenize</c> (vLLM's): a <c>prompt</c> to tokenize, or chat <c>messages</c> to render with the
/// chat template first (with the same template switches and tools as a chat completion).
/// </summary>
internal sealed class TokenizeRequest
{
    public string? Model { get; set; }

    public string? Prompt { get; set; }

    public List<ChatMessageRequest?>? Messages { get; set; }

    /// <summary>Default true for a prompt, false for messages (the template writes the special tokens), as vLLM.</summary>
    public bool? AddSpecialTokens { get; set; }

    public bool? ReturnTokenStrs { get; set; }

    public bool? AddGenerationPrompt { get; set; }

    public bool? ContinueFinalMessage { get; set; }

    public string? ChatTemplate { get; set; }

    public Dictionary<string, JsonElement>? ChatTemplateKwargs { get; set; }

    public List<ToolDefinition?>? Tools { get; set; }
}

/// <summary>The body of a <c>/tokenize</c> response.</summary>
internal sealed class TokenizeResponse
{
    public required int Count { get; init; }

    public required int MaxModelLen { get; init; }

    public required int[] Tokens { get; init; }

    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public List<string>? TokenStrs { get; init; }
}

/// <summary>The body of <c>POST /detokenize</c>.</summary>
internal sealed class DetokenizeRequest
{
    public string? Model { get; set; }

    public List<int>? Tokens { get; set; }
}

/// <summary>The body of a <c>/detokenize</c> response.</summary>
internal sealed class DetokenizeResponse
{
    public required string Prompt { get; init; }
}
