using System.Text;

namespace LlmEngine.Models.Gguf;

/// <summary>
/// Writes GGUF version 3 files: key/value metadata of every GGUF type (nested arrays included), tensor infos and
/// aligned tensor data. Tensor data is streamed: each tensor's bytes come from a callback invoked in order during
/// <see cref="WriteTo(Stream)"/>, so a model never has to be in memory at once.
/// </summary>
public sealed class GgufWriter
{
    /// <summary>The metadata key that holds the alignment.</summary>
    public const string AlignmentKey = "general.alignment";

    private static readonly byte[] s_zeros = new byte[4096];

    private readonly List<(string Key, GgufValueType Type, object Value)> _metadata = [];
    private readonly List<PendingTensor> _tensors = [];
    private readonly HashSet<string> _keys = new(StringComparer.Ordinal);
    private readonly HashSet<string> _tensorNames = new(StringComparer.Ordinal);

    /// <summary>Creates a writer whose tensor data is aligned to <paramref name="alignment"/> bytes (a power of two; GGUF's default is 32).</summary>
    public GgufWriter(int alignment = 32)
    {
        if (alignment <= 0 || (alignment & (alignment - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(alignment), alignment, "The alignment must be a power of two.");
        }
        Alignment = alignment;
    }

    /// <summary>Tensor data alignment in bytes; written as <c>general.alignment</c> (u32) unless already added.</summary>
    public int Alignment { get; }

    /// <summary>Number of metadata entries added so far (<c>general.alignment</c> is added on write when absent).</summary>
    public int MetadataCount => _metadata.Count;

    /// <summary>Number of tensors added so far.</summary>
    public int TensorCount => _tensors.Count;

    /// <summary>
    /// Adds a metadata entry. <paramref name="value"/> must be the .NET type of <paramref name="type"/> (<c>uint</c>
    /// for <see cref="GgufValueType.UInt32"/>, <c>string</c>, <c>bool</c>, ...) or a <see cref="GgufArray"/> for
    /// <see cref="GgufValueType.Array"/>, as <see cref="GgufMetadata"/> returns them.
    /// </summary>
    /// <exception cref="ArgumentException">The key is a duplicate or the value does not match the type.</exception>
    public GgufWriter Add(string key, GgufValueType type, object value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(value);
        GgufValueCodec.Validate(type, value, key);
        if (key == AlignmentKey && (value is not uint alignment || alignment != Alignment))
        {
            throw new ArgumentException($"'{AlignmentKey}' must be the u32 {Alignment} this writer was created with.", nameof(value));
        }
        if (!_keys.Add(key))
        {
            throw new ArgumentException($"Metadata key '{key}' was already added.", nameof(key));
        }
        _metadata.Add((key, type, value));
        return this;
    }

    /// <summary>Adds a string entry.</summary>
    public GgufWriter AddString(string key, string value) => Add(key, GgufValueType.String, value);

    /// <summary>Adds a u32 entry (llama.cpp's type for counts and lengths).</summary>
    public GgufWriter AddUInt32(string key, uint value) => Add(key, GgufValueType.UInt32, value);

    /// <summary>Adds an i32 entry.</summary>
    public GgufWriter AddInt32(string key, int value) => Add(key, GgufValueType.Int32, value);

    /// <summary>Adds an f32 entry (llama.cpp's type for epsilons and rope bases).</summary>
    public GgufWriter AddFloat32(string key, float value) => Add(key, GgufValueType.Float32, value);

    /// <summary>Adds a bool entry.</summary>
    public GgufWriter AddBool(string key, bool value) => Add(key, GgufValueType.Bool, value);

    /// <summary>Adds an array entry.</summary>
    public GgufWriter AddArray(string key, GgufArray value) => Add(key, GgufValueType.Array, value);

    /// <summary>
    /// Adds a tensor whose <see cref="GgmlTypeInfo.RowBytes"/>-sized data <paramref name="writeData"/> writes to the
    /// stream it is given, when <see cref="WriteTo(Stream)"/> reaches it. Shape is in ggml order (contiguous first).
    /// </summary>
    public GgufWriter AddTensor(string name, GgmlType type, long[] shape, Action<Stream> writeData)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(writeData);
        if (!GgmlTypeInfo.IsKnown(type))
        {
            throw new ArgumentException($"Tensor '{name}' has unknown type {type}.", nameof(type));
        }
        if (shape.Length is 0 or > 4)
        {
            throw new ArgumentException($"Tensor '{name}' has {shape.Length} dimensions; GGUF allows 1 to 4.", nameof(shape));
        }
        long elements = 1;
        foreach (var d in shape)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(d, nameof(shape));
            elements = checked(elements * d);
        }
        var blockSize = GgmlTypeInfo.BlockSize(type);
        if (shape[0] % blockSize != 0)
        {
            throw new ArgumentException($"Tensor '{name}' row length {shape[0]} is not a multiple of {type}'s block size {blockSize}.", nameof(shape));
        }
        if (!_tensorNames.Add(name))
        {
            throw new ArgumentException($"Tensor '{name}' was already added.", nameof(name));
        }
        _tensors.Add(new PendingTensor(name, type, (long[])shape.Clone(), elements / blockSize * GgmlTypeInfo.TypeSize(type), writeData));
        return this;
    }

    /// <summary>Adds a tensor whose data is in memory (exactly its size in bytes).</summary>
    public GgufWriter AddTensor(string name, GgmlType type, long[] shape, ReadOnlyMemory<byte> data) =>
        AddTensor(name, type, shape, stream => stream.Write(data.Span));

    /// <summary>Writes the file to <paramref name="path"/> (replacing it), streaming tensor data through the callbacks.</summary>
    public void WriteTo(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        WriteTo(stream);
    }

    /// <summary>Writes the file to <paramref name="stream"/> (which need not be seekable).</summary>
    /// <exception cref="InvalidDataException">A tensor callback wrote a different number of bytes than the tensor holds.</exception>
    public void WriteTo(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var counting = new CountingStream(stream);
        using (var writer = new BinaryWriter(counting, Encoding.UTF8, leaveOpen: true))
        {
            var metadata = new List<(string Key, GgufValueType Type, object Value)>(_metadata);
            if (!_keys.Contains(AlignmentKey))
            {
                metadata.Add((AlignmentKey, GgufValueType.UInt32, (uint)Alignment));
            }
            writer.Write(GgufFile.Magic);
            writer.Write(3u);
            writer.Write((ulong)_tensors.Count);
            writer.Write((ulong)metadata.Count);
            foreach (var (key, type, value) in metadata)
            {
                GgufValueCodec.WriteString(writer, key);
                writer.Write((uint)type);
                GgufValueCodec.WriteValue(writer, type, value);
            }
            long offset = 0;
            foreach (var t in _tensors)
            {
                GgufValueCodec.WriteString(writer, t.Name);
                writer.Write((uint)t.Shape.Length);
                foreach (var d in t.Shape)
                {
                    writer.Write((ulong)d);
                }
                writer.Write((uint)t.Type);
                writer.Write((ulong)offset);
                offset = Align(offset + t.ByteLength);
            }
            writer.Flush();
        }
        Pad(counting);
        foreach (var t in _tensors)
        {
            var start = counting.Count;
            t.WriteData(counting);
            var written = counting.Count - start;
            if (written != t.ByteLength)
            {
                throw new InvalidDataException($"Tensor '{t.Name}' ({t.Type} {string.Join("x", t.Shape)}) holds {t.ByteLength} bytes but its data callback wrote {written}.");
            }
            Pad(counting);
        }
        counting.Flush();
    }

    private long Align(long offset) => (offset + Alignment - 1) / Alignment * Alignment;

    private void Pad(CountingStream stream)
    {
        var padding = Align(stream.Count) - stream.Count;
        while (padding > 0)
        {
            var n = (int)Math.Min(padding, s_zeros.Length);
            stream.Write(s_zeros, 0, n);
            padding -= n;
        }
    }

    private sealed record PendingTensor(string Name, GgmlType Type, long[] Shape, long ByteLength, Action<Stream> WriteData);
}
