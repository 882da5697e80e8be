using System.Text.Json;
using LlmEngine.Models.Safetensors;

namespace LlmEngine.Models.HuggingFace;

/// <summary>
/// Typed, validating access to one JSON object of a Hugging Face file. JSON <c>null</c> counts as absent; a value of
/// the wrong kind or out of range is a <see cref="ModelLoadException"/> naming the file and the key.
/// </summary>
internal readonly struct JsonObjectReader
{
    private static readonly JsonDocumentOptions s_options = new()
    {
        // Python's json module writes strict JSON, but hand-edited configs often carry comments or trailing commas.
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
        MaxDepth = 64,
    };

    private readonly JsonElement _element;
    private readonly string _prefix;

    private JsonObjectReader(JsonElement element, string path, string prefix)
    {
        _element = element;
        Path = path;
        _prefix = prefix;
    }

    /// <summary>The file this object came from.</summary>
    public string Path { get; }

    /// <summary>Parses <paramref name="path"/> and hands its root object to <paramref name="interpret"/>; every failure is a <see cref="ModelLoadException"/>.</summary>
    public static T ReadFile<T>(string path, Func<JsonObjectReader, T> interpret)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelLoadException(path, "cannot read the file: " + e.Message, e);
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, s_options);
        }
        catch (JsonException e)
        {
            throw new ModelLoadException(path, $"malformed JSON {JsonErrors.Describe(e)}", e);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ModelLoadException(path, $"the file holds a JSON {document.RootElement.ValueKind}, not an object");
            }
            try
            {
                return interpret(new JsonObjectReader(document.RootElement, path, ""));
            }
            catch (InvalidOperationException e)
            {
                // JsonElement throws this when a string or property name is not valid UTF-8.
                throw new ModelLoadException(path, "the file holds text that is not valid UTF-8: " + e.Message, e);
            }
        }
    }

    /// <summary>Whether <paramref name="key"/> is present and not null.</summary>
    public bool Has(string key) => TryGet(key, out _);

    /// <summary>The properties of this object, in file order.</summary>
    public IEnumerable<(string Key, JsonElement Value)> Properties()
    {
        foreach (var property in _element.EnumerateObject())
        {
            yield return (property.Name, property.Value);
        }
    }

    /// <summary>A nested object, or null when absent.</summary>
    public JsonObjectReader? Object(string key)
    {
        if (!TryGet(key, out var value))
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw WrongKind(key, value, "an object");
        }
        return new JsonObjectReader(value, Path, _prefix + key + ".");
    }

    /// <summary>A string, or null when absent.</summary>
    public string? String(string key)
    {
        if (!TryGet(key, out var value))
        {
            return null;
        }
        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw WrongKind(key, value, "a string");
    }

    /// <summary>An array of strings, or null when absent.</summary>
    public string[]? StringArray(string key)
    {
        if (!TryGet(key, out var value))
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw WrongKind(key, value, "an array of strings");
        }
        var result = new string[value.GetArrayLength()];
        var i = 0;
        foreach (var item in value.EnumerateArray())
        {
            result[i++] = item.ValueKind == JsonValueKind.String ? item.GetString()! : throw WrongKind(key, item, "an array of strings");
        }
        return result;
    }

    /// <summary>A boolean, or null when absent.</summary>
    public bool? Bool(string key)
    {
        if (!TryGet(key, out var value))
        {
            return null;
        }
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw WrongKind(key, value, "true or false"),
        };
    }

    /// <summary>A finite number, or null when absent.</summary>
    public double? Double(string key) => TryGet(key, out var value) ? ToDouble(key, value) : null;

    /// <summary>A 32-bit integer (a float with no fraction is accepted), or null when absent.</summary>
    public int? Int(string key) => TryGet(key, out var value) ? ToInt(key, value) : null;

    /// <summary>A required 32-bit integer of at least <paramref name="minimum"/>.</summary>
    public int RequiredInt(string key, int minimum)
    {
        var value = Int(key) ?? throw new ModelLoadException(Path, $"'{_prefix}{key}' is missing");
        return value >= minimum ? value : throw new ModelLoadException(Path, $"'{_prefix}{key}' is {value}; it must be at least {minimum}");
    }

    /// <summary>An integer or an array of integers (as Hugging Face writes token ids), or null when absent.</summary>
    public int[]? IntOrIntArray(string key)
    {
        if (!TryGet(key, out var value))
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.Array)
        {
            return [ToInt(key, value)];
        }
        var result = new int[value.GetArrayLength()];
        var i = 0;
        foreach (var item in value.EnumerateArray())
        {
            result[i++] = ToInt(key, item);
        }
        return result;
    }

    /// <summary>An array of finite numbers as floats, or null when absent.</summary>
    public float[]? FloatArray(string key)
    {
        if (!TryGet(key, out var value))
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw WrongKind(key, value, "an array of numbers");
        }
        var result = new float[value.GetArrayLength()];
        var i = 0;
        foreach (var item in value.EnumerateArray())
        {
            result[i++] = (float)ToDouble(key, item);
        }
        return result;
    }

    /// <summary>A problem with <paramref name="key"/>, as an exception naming the file and the key.</summary>
    public ModelLoadException Error(string key, string problem) => new(Path, $"'{_prefix}{key}' {problem}");

    private bool TryGet(string key, out JsonElement value) =>
        _element.TryGetProperty(key, out value) && value.ValueKind != JsonValueKind.Null;

    private double ToDouble(string key, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number) || !double.IsFinite(number))
        {
            throw WrongKind(key, value, "a finite number");
        }
        return number;
    }

    private int ToInt(string key, JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Number)
        {
            if (value.TryGetInt32(out var integer))
            {
                return integer;
            }
            if (value.TryGetDouble(out var number) && number == Math.Floor(number) && number is >= int.MinValue and <= int.MaxValue)
            {
                return (int)number;
            }
        }
        throw WrongKind(key, value, "a 32-bit integer");
    }

    private ModelLoadException WrongKind(string key, JsonElement value, string expected)
    {
        var text = value.GetRawText();
        if (text.Length > 60)
        {
            text = text[..60] + "...";
        }
        return new ModelLoadException(Path, $"'{_prefix}{key}' is {text}; expected {expected}");
    }
}
