using System.Text.Json;

namespace LlmEngine.Hosting.Tokenization;

/// <summary>The body of <c>POST /tokenize</c> (vLLM's): a prompt to tokenize.</summary>
internal sealed class TokenizeRequest
{
    public string? Model { get; set; }

    public string? Prompt { get; set; }

    /// <summary>vLLM also accepts chat messages here; present only to reject them clearly.</summary>
    public JsonElement Messages { get; set; }

    public bool? AddSpecialTokens { get; set; }

    public bool? ReturnTokenStrs { get; set; }
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
