using System.Text.Json;

namespace LlmEngine.Models.Safetensors;

/// <summary>
/// Parses and validates the JSON header of a safetensors file: every entry's dtype, shape and data offsets are checked
/// against the size of the data section before anything points into it.
/// </summary>
internal static class SafetensorsHeader
{
    public const string MetadataKey = "__metadata__";

    public static (List<SafetensorsTensorInfo> Tensors, Dictionary<string, string> Metadata) Parse(
        ReadOnlyMemory<byte> json, long dataLength, string path)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new ModelLoadException(path, $"the header is not valid JSON ({JsonErrors.Describe(e)})", e);
        }
        using (document)
        {
            try
            {
                return Interpret(document.RootElement, dataLength, path);
            }
            catch (InvalidOperationException e)
            {
                // JsonElement.GetString throws this for strings that are not valid UTF-8.
                throw new ModelLoadException(path, "the header holds text that is not valid UTF-8: " + e.Message, e);
            }
        }
    }

    private static (List<SafetensorsTensorInfo>, Dictionary<string, string>) Interpret(JsonElement root, long dataLength, string path)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new ModelLoadException(path, $"the header is a JSON {root.ValueKind}, not an object");
        }
        var tensors = new List<SafetensorsTensorInfo>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in root.EnumerateObject())
        {
            if (!names.Add(property.Name))
            {
                throw new ModelLoadException(path, $"the header names '{property.Name}' twice");
            }
            if (property.Name == MetadataKey)
            {
                ReadMetadata(property.Value, metadata, path);
                continue;
            }
            tensors.Add(ReadTensor(property.Name, property.Value, dataLength, path));
        }
        return (tensors, metadata);
    }

    private static void ReadMetadata(JsonElement value, Dictionary<string, string> metadata, string path)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new ModelLoadException(path, $"'{MetadataKey}' is a JSON {value.ValueKind}, not an object of strings");
        }
        foreach (var entry in value.EnumerateObject())
        {
            // The format says string to string; writers that store numbers are common enough to accept as their JSON text.
            metadata[entry.Name] = entry.Value.ValueKind == JsonValueKind.String ? entry.Value.GetString()! : entry.Value.GetRawText();
        }
    }

    private static SafetensorsTensorInfo ReadTensor(string name, JsonElement value, long dataLength, string path)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new ModelLoadException(path, $"tensor '{name}': the entry is a JSON {value.ValueKind}, not an object");
        }
        if (!value.TryGetProperty("dtype", out var dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
        {
            throw new ModelLoadException(path, $"tensor '{name}' has no string 'dtype'");
        }
        var dtype = dtypeElement.GetString()!;
        if (!value.TryGetProperty("shape", out var shapeElement) || shapeElement.ValueKind != JsonValueKind.Array)
        {
            throw new ModelLoadException(path, $"tensor '{name}' has no 'shape' array");
        }
        if (!value.TryGetProperty("data_offsets", out var offsetsElement) || offsetsElement.ValueKind != JsonValueKind.Array
            || offsetsElement.GetArrayLength() != 2)
        {
            throw new ModelLoadException(path, $"tensor '{name}' has no 'data_offsets' pair");
        }

        var rank = shapeElement.GetArrayLength();
        var shape = new long[rank];
        long elements = 1;
        var i = rank;
        foreach (var dimElement in shapeElement.EnumerateArray())
        {
            if (!dimElement.TryGetInt64(out var dim) || dim < 0)
            {
                throw new ModelLoadException(path, $"tensor '{name}' has a shape entry {dimElement.GetRawText()} that is not a non-negative integer");
            }
            // Safetensors shapes are row-major (outermost first); ggml order puts the contiguous dimension first.
            shape[--i] = dim;
            if (dim != 0 && elements > long.MaxValue / dim)
            {
                throw new ModelLoadException(path, $"tensor '{name}' shape [{shapeElement.GetRawText()}] overflows");
            }
            elements *= dim;
        }

        var begin = ReadOffset(offsetsElement[0], name, path);
        var end = ReadOffset(offsetsElement[1], name, path);
        if (begin > end || end > dataLength)
        {
            throw new ModelLoadException(path, $"tensor '{name}' data [{begin}, {end}) does not lie inside the data section ({dataLength} bytes): the file is truncated or corrupt");
        }
        var length = end - begin;
        var elementSize = SafetensorsDTypes.ElementSize(dtype);
        if (elementSize > 0 && (elements > length / elementSize || elements * elementSize != length))
        {
            throw new ModelLoadException(path, $"tensor '{name}' is {dtype} with {elements} elements but its data_offsets span {length} bytes");
        }
        return new SafetensorsTensorInfo(name, dtype, shape, begin, length);
    }

    private static long ReadOffset(JsonElement element, string name, string path)
    {
        if (!element.TryGetInt64(out var offset) || offset < 0)
        {
            throw new ModelLoadException(path, $"tensor '{name}' has a data offset {element.GetRawText()} that is not a non-negative integer");
        }
        return offset;
    }
}
