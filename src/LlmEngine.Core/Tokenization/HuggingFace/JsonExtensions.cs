using System.Text.Json;

namespace LlmEngine.Tokenization.HuggingFace;

/// <summary>Tolerant readers for optional <c>tokenizer.json</c> fields.</summary>
internal static class JsonExtensions
{
    /// <summary>A string property, or null when absent or not a string.</summary>
    public static string? GetStringOrNull(this JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>A boolean property, or <paramref name="fallback"/>.</summary>
    public static bool GetBool(this JsonElement e, string name, bool fallback) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? v.GetBoolean()
            : fallback;

    /// <summary>A property that is an object (not null), if present.</summary>
    public static bool TryGetObject(this JsonElement e, string name, out JsonElement value)
    {
        if (e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out value) && value.ValueKind == JsonValueKind.Object)
        {
            return true;
        }
        value = default;
        return false;
    }

    /// <summary>A property that is an array, or an empty enumeration.</summary>
    public static IEnumerable<JsonElement> GetArrayOrEmpty(this JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array
            ? v.EnumerateArray()
            : [];

    /// <summary>A token given as a string or as an object with <c>content</c> (tokenizer_config.json's two spellings).</summary>
    public static string? GetTokenContent(this JsonElement e, string name)
    {
        if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(name, out var v))
        {
            return null;
        }
        return v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Object => v.GetStringOrNull("content"),
            _ => null,
        };
    }
}
