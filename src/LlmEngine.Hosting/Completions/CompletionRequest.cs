using System.Text.Json;
using LlmEngine.Hosting.Sampling;

namespace LlmEngine.Hosting.Completions;

/// <summary>The body of <c>POST /v1/completions</c>.</summary>
internal sealed class CompletionRequest : SamplingRequest
{
    /// <summary>A string, an array of strings, an array of token ids, or an array of arrays of token ids.</summary>
    public JsonElement Prompt { get; set; }

    public string? Suffix { get; set; }

    public bool? Echo { get; set; }

    /// <summary>Number of top log-probabilities per token (0 to 20): an integer here, unlike chat's boolean.</summary>
    public int? Logprobs { get; set; }

    public bool? AddSpecialTokens { get; set; }
}
