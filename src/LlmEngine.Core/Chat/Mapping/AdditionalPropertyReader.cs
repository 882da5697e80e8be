using System.Globalization;
using System.Text.Json;

namespace LlmEngine.Chat.Mapping;

/// <summary>
/// Reads <c>AdditionalProperties</c> values, which arrive as CLR values from code or as <see cref="JsonElement"/>s
/// from configuration and JSON, as the type each key needs; a wrong type names the key and what it must be.
/// </summary>
internal static class AdditionalPropertyReader
{
    public static float Float(string key, object? value) => value switch
    {
        float f => f,
        double d => (float)d,
        decimal m => (float)m,
        int or long or short or byte => Convert.ToSingle(value, CultureInfo.InvariantCulture),
        JsonElement { ValueKind: JsonValueKind.Number } e => e.GetSingle(),
        string s when float.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => throw Wrong(key, value, "a number"),
    };

    public static int Int(string key, object? value) => value switch
    {
        int i => i,
        long l when l is >= int.MinValue and <= int.MaxValue => (int)l,
        short or byte => Convert.ToInt32(value, CultureInfo.InvariantCulture),
        double d when d == Math.Floor(d) && d is >= int.MinValue and <= int.MaxValue => (int)d,
        JsonElement { ValueKind: JsonValueKind.Number } e when e.TryGetInt32(out var i) => i,
        string s when int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => throw Wrong(key, value, "an integer"),
    };

    public static bool Bool(string key, object? value) => value switch
    {
        bool b => b,
        JsonElement { ValueKind: JsonValueKind.True } => true,
        JsonElement { ValueKind: JsonValueKind.False } => false,
        string s when bool.TryParse(s, out var parsed) => parsed,
        _ => throw Wrong(key, value, "true or false"),
    };

    public static int[] IntList(string key, object? value)
    {
        var items = Items(key, value, "an array of integers");
        var result = new int[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            result[i] = Int(key, items[i]);
        }
        return result;
    }

    public static string[] StringList(string key, object? value)
    {
        var items = Items(key, value, "an array of strings");
        var result = new string[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            result[i] = items[i] switch
            {
                string s => s,
                JsonElement { ValueKind: JsonValueKind.String } e => e.GetString()!,
                var other => throw Wrong(key, other, "an array of strings"),
            };
        }
        return result;
    }

    /// <summary>An object of token id (as a string or integer key) to number, such as OpenAI's <c>logit_bias</c>.</summary>
    public static Dictionary<int, float> TokenBias(string key, object? value)
    {
        var result = new Dictionary<int, float>();
        foreach (var (name, item) in Entries(key, value, "an object of token id to number"))
        {
            if (!int.TryParse(name, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id))
            {
                throw new ArgumentException($"ChatOptions.AdditionalProperties[\"{key}\"] has the key '{name}', which is not a token id.", "options");
            }
            result[id] = Float(key, item);
        }
        return result;
    }

    /// <summary>An object of name to JSON-like value, such as <c>chat_template_kwargs</c>.</summary>
    public static Dictionary<string, object?> Variables(string key, object? value)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (name, item) in Entries(key, value, "an object of variable names to values"))
        {
            result[name] = item;
        }
        return result;
    }

    private static List<object?> Items(string key, object? value, string expected)
    {
        switch (value)
        {
            case JsonElement { ValueKind: JsonValueKind.Array } array:
                return array.EnumerateArray().Select(e => (object?)e).ToList();
            case string:
            case null:
                throw Wrong(key, value, expected);
            case System.Collections.IEnumerable sequence:
                return sequence.Cast<object?>().ToList();
            default:
                throw Wrong(key, value, expected);
        }
    }

    private static IEnumerable<KeyValuePair<string, object?>> Entries(string key, object? value, string expected)
    {
        switch (value)
        {
            case JsonElement { ValueKind: JsonValueKind.Object } element:
                return element.EnumerateObject().Select(p => new KeyValuePair<string, object?>(p.Name, p.Value));
            case IEnumerable<KeyValuePair<string, object?>> entries:
                return entries;
            case System.Collections.IDictionary dictionary:
                var list = new List<KeyValuePair<string, object?>>();
                foreach (System.Collections.DictionaryEntry entry in dictionary)
                {
                    list.Add(new(Convert.ToString(entry.Key, CultureInfo.InvariantCulture)!, entry.Value));
                }
                return list;
            default:
                throw Wrong(key, value, expected);
        }
    }

    private static ArgumentException Wrong(string key, object? value, string expected) =>
        new($"ChatOptions.AdditionalProperties[\"{key}\"] must be {expected}; got {Describe(value)}.", "options");

    private static string Describe(object? value) => value switch
    {
        null => "null",
        JsonElement e => $"JSON {e.ValueKind.ToString().ToLowerInvariant()} {e.GetRawText()}",
        _ => $"{value.GetType().Name} '{Convert.ToString(value, CultureInfo.InvariantCulture)}'",
    };
}
