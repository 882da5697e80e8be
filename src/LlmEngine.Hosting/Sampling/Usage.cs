using System.Text.Json;
using System.Text.Json.Serialization;

namespace LlmEngine.Hosting.Sampling;

/// <summary>Token counts of a request (OpenAI's <c>usage</c>); <c>cached_tokens</c> are prefix-cache hits.</summary>
internal sealed class Usage
{
    public int PromptTokens { get; init; }

    public int CompletionTokens { get; init; }

    public int TotalTokens { get; init; }

    public PromptTokensDetails? PromptTokensDetails { get; init; }

    public static Usage Create(int promptTokens, int completionTokens, int cachedTokens) => new()
    {
        PromptTokens = promptTokens,
        CompletionTokens = completionTokens,
        TotalTokens = promptTokens + completionTokens,
        PromptTokensDetails = new PromptTokensDetails { CachedTokens = cachedTokens },
    };
}

/// <summary><c>usage.prompt_tokens_details</c>.</summary>
internal sealed class PromptTokensDetails
{
    public int CachedTokens { get; init; }
}

/// <summary>
/// The <c>usage</c> member of a streamed chunk: absent unless <c>stream_options.include_usage</c>, then <c>null</c> on
/// every chunk but the last, as OpenAI sends it. Absent is a null <see cref="Nullable{T}"/>; present-but-null is a
/// slot holding no value.
/// </summary>
[JsonConverter(typeof(UsageSlotConverter))]
internal readonly record struct UsageSlot(Usage? Value);

/// <summary>Writes a <see cref="UsageSlot"/> as its usage object or <c>null</c>.</summary>
internal sealed class UsageSlotConverter : JsonConverter<UsageSlot>
{
    public override UsageSlot Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("UsageSlot is written only.");

    public override void Write(Utf8JsonWriter writer, UsageSlot value, JsonSerializerOptions options)
    {
        if (value.Value is null)
        {
            writer.WriteNullValue();
            return;
        }
        JsonSerializer.Serialize(writer, value.Value, Serialization.OpenAiJsonContext.Default.Usage);
    }
}
