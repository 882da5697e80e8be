using System.Text.Json;

namespace LlmEngine.Hosting.Sampling;

/// <summary>
/// The request fields /v1/chat/completions and /v1/completions share: OpenAI's sampling parameters and vLLM's extras,
/// under their wire names (snake_case). Unknown fields are ignored, as OpenAI does.
/// </summary>
internal abstract class SamplingRequest
{
    public string? Model { get; set; }

    public int? N { get; set; }

    public int? BestOf { get; set; }

    public bool? UseBeamSearch { get; set; }

    public float? Temperature { get; set; }

    public float? TopP { get; set; }

    public int? TopK { get; set; }

    public float? MinP { get; set; }

    public int? MaxTokens { get; set; }

    public int? MinTokens { get; set; }

    /// <summary>A string, an array of strings, or null.</summary>
    public JsonElement Stop { get; set; }

    public List<int>? StopTokenIds { get; set; }

    public bool? IncludeStopStrInOutput { get; set; }

    public bool? IgnoreEos { get; set; }

    public long? Seed { get; set; }

    public float? PresencePenalty { get; set; }

    public float? FrequencyPenalty { get; set; }

    public float? RepetitionPenalty { get; set; }

    public Dictionary<string, float>? LogitBias { get; set; }

    public List<int>? AllowedTokenIds { get; set; }

    public List<string>? BadWords { get; set; }

    public bool? SkipSpecialTokens { get; set; }

    public int? PromptLogprobs { get; set; }

    public int? Priority { get; set; }

    public string? User { get; set; }

    public bool? Stream { get; set; }

    public StreamOptions? StreamOptions { get; set; }

    public ResponseFormat? ResponseFormat { get; set; }

    /// <summary>vLLM's <c>guided_json</c>: a schema object, or the schema as a JSON string.</summary>
    public JsonElement GuidedJson { get; set; }

    public string? GuidedRegex { get; set; }

    public List<string>? GuidedChoice { get; set; }

    public string? GuidedGrammar { get; set; }

    /// <summary>vLLM's newer spelling of the guided_* fields.</summary>
    public StructuredOutputs? StructuredOutputs { get; set; }
}

/// <summary><c>stream_options</c>.</summary>
internal sealed class StreamOptions
{
    public bool? IncludeUsage { get; set; }
}

/// <summary><c>response_format</c>: <c>{"type": "text" | "json_object" | "json_schema", "json_schema": {...}}</c>.</summary>
internal sealed class ResponseFormat
{
    public string? Type { get; set; }

    public JsonSchemaFormat? JsonSchema { get; set; }
}

/// <summary><c>response_format.json_schema</c>.</summary>
internal sealed class JsonSchemaFormat
{
    public string? Name { get; set; }

    public string? Description { get; set; }

    public JsonElement Schema { get; set; }

    public bool? Strict { get; set; }
}

/// <summary>vLLM's <c>structured_outputs</c>: one of <c>json</c>, <c>regex</c>, <c>choice</c>, <c>grammar</c>.</summary>
internal sealed class StructuredOutputs
{
    public JsonElement Json { get; set; }

    public string? Regex { get; set; }

    public List<string>? Choice { get; set; }

    public string? Grammar { get; set; }
}
