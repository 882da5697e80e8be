using System.Buffers.Binary;
using System.Text.Json;

namespace LlmEngine.Models.Safetensors;

/// <summary>
/// Writes a safetensors file: the header first, padded with spaces so the data starts 8-byte aligned, then each
/// tensor's bytes streamed in the order added. Shapes are given in ggml order and stored row-major (reversed).
/// </summary>
public sealed class SafetensorsWriter
{
    private readonly List<TensorData> _tensors = [];
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    /// <summary>The <c>__metadata__</c> entries to store (written only when there are any).</summary>
    public IDictionary<string, string> Metadata { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The tensors added so far, in file order.</summary>
    public IReadOnlyList<TensorData> Tensors => _tensors;

    /// <summary>Adds a tensor (F32, F16, BF16, F64 or an integer type); names must be unique.</summary>
    public SafetensorsWriter Add(TensorData tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (SafetensorsDTypes.FromGgmlType(tensor.Type) is null)
        {
            throw new ArgumentException($"Tensor '{tensor.Name}' is {tensor.Type}, which safetensors cannot store.", nameof(tensor));
        }
        if (tensor.Name == SafetensorsHeader.MetadataKey || !_names.Add(tensor.Name))
        {
            throw new ArgumentException($"Tensor name '{tensor.Name}' is reserved or already added.", nameof(tensor));
        }
        _tensors.Add(tensor);
        return this;
    }

    /// <summary>Writes the file at <paramref name="path"/>, replacing any file there.</summary>
    public void WriteTo(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        WriteTo(stream);
    }

    /// <summary>Writes the file to <paramref name="destination"/>.</summary>
    public void WriteTo(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var header = BuildHeader();
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
        destination.Write(length);
        destination.Write(header);
        foreach (var tensor in _tensors)
        {
            tensor.WriteTo(destination);
        }
        destination.Flush();
    }

    private byte[] BuildHeader()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (Metadata.Count > 0)
            {
                json.WriteStartObject(SafetensorsHeader.MetadataKey);
                foreach (var (key, value) in Metadata)
                {
                    json.WriteString(key, value);
                }
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var tensor in _tensors)
            {
                json.WriteStartObject(tensor.Name);
                json.WriteString("dtype", SafetensorsDTypes.FromGgmlType(tensor.Type));
                json.WriteStartArray("shape");
                for (var d = tensor.Shape.Length - 1; d >= 0; d--)
                {
                    json.WriteNumberValue(tensor.Shape[d]);
                }
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                offset += tensor.ByteLength;
                json.WriteNumberValue(offset);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        // Trailing spaces are allowed after the JSON; they align the data section for readers that cast in place.
        while ((8 + buffer.Length) % 8 != 0)
        {
            buffer.WriteByte((byte)' ');
        }
        return buffer.ToArray();
    }
}
