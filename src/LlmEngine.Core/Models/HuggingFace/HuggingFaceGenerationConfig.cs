namespace LlmEngine.Models.HuggingFace;

/// <summary>
/// The values of a model's <c>generation_config.json</c> that a server uses: end-of-sequence ids and the sampling
/// defaults the model's authors recommend. Absent values are null.
/// </summary>
public sealed record HuggingFaceGenerationConfig
{
    /// <summary><c>bos_token_id</c>.</summary>
    public int? BosTokenId { get; init; }

    /// <summary><c>eos_token_id</c> (a single id or a list).</summary>
    public IReadOnlyList<int> EosTokenIds { get; init; } = [];

    /// <summary><c>pad_token_id</c>.</summary>
    public int? PadTokenId { get; init; }

    /// <summary><c>do_sample</c>: false means Transformers decodes greedily whatever the temperature.</summary>
    public bool? DoSample { get; init; }

    /// <summary><c>temperature</c>.</summary>
    public float? Temperature { get; init; }

    /// <summary><c>top_p</c>.</summary>
    public float? TopP { get; init; }

    /// <summary><c>top_k</c>.</summary>
    public int? TopK { get; init; }

    /// <summary><c>min_p</c>.</summary>
    public float? MinP { get; init; }

    /// <summary><c>repetition_penalty</c>.</summary>
    public float? RepetitionPenalty { get; init; }

    /// <summary><c>max_new_tokens</c>.</summary>
    public int? MaxNewTokens { get; init; }

    internal static HuggingFaceGenerationConfig Read(JsonObjectReader json) => new()
    {
        BosTokenId = json.Int("bos_token_id"),
        EosTokenIds = json.IntOrIntArray("eos_token_id") ?? [],
        PadTokenId = json.Int("pad_token_id"),
        DoSample = json.Bool("do_sample"),
        Temperature = (float?)json.Double("temperature"),
        TopP = (float?)json.Double("top_p"),
        TopK = json.Int("top_k"),
        MinP = (float?)json.Double("min_p"),
        RepetitionPenalty = (float?)json.Double("repetition_penalty"),
        MaxNewTokens = json.Int("max_new_tokens"),
    };
}
