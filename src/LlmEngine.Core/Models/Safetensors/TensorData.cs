using System.Runtime.InteropServices;

namespace LlmEngine.Models.Safetensors;

/// <summary>
/// A named tensor to write: its type, its shape in ggml order (contiguous first, as <see cref="TensorView"/>) and a
/// source of its bytes. The bytes are produced only when written, so a writer can stream a model larger than memory.
/// </summary>
public sealed class TensorData
{
    private readonly ReadOnlyMemory<byte> _bytes;
    private readonly float[]? _floats;
    private readonly Action<Stream>? _write;

    private TensorData(string name, GgmlType type, long[] shape, ReadOnlyMemory<byte> bytes, float[]? floats, Action<Stream>? write)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(shape);
        if (!GgmlTypeInfo.IsKnown(type))
        {
            throw new ArgumentException($"Tensor '{name}' has unknown type {type}.", nameof(type));
        }
        long elements = 1;
        foreach (var d in shape)
        {
            if (d < 0 || (d != 0 && elements > long.MaxValue / d))
            {
                throw new ArgumentException($"Tensor '{name}' has an invalid shape [{string.Join(", ", shape)}].", nameof(shape));
            }
            elements *= d;
        }
        var rowLength = shape.Length == 0 ? 1 : shape[0];
        if (rowLength % GgmlTypeInfo.BlockSize(type) != 0)
        {
            throw new ArgumentException($"Tensor '{name}' row length {rowLength} is not a multiple of {type}'s block size.", nameof(shape));
        }
        Name = name;
        Type = type;
        Shape = shape;
        ByteLength = GgmlTypeInfo.RowBytes(type, elements);
        _bytes = bytes;
        _floats = floats;
        _write = write;
    }

    /// <summary>The tensor's name.</summary>
    public string Name { get; }

    /// <summary>Element type.</summary>
    public GgmlType Type { get; }

    /// <summary>Dimensions in ggml order (contiguous first).</summary>
    public long[] Shape { get; }

    /// <summary>Number of bytes the tensor takes.</summary>
    public long ByteLength { get; }

    /// <summary>A tensor over bytes already in memory (not copied).</summary>
    public static TensorData FromBytes(string name, GgmlType type, long[] shape, ReadOnlyMemory<byte> bytes)
    {
        var tensor = new TensorData(name, type, shape, bytes, null, null);
        if (bytes.Length != tensor.ByteLength)
        {
            throw new ArgumentException($"Tensor '{name}' needs {tensor.ByteLength} bytes but {bytes.Length} were given.", nameof(bytes));
        }
        return tensor;
    }

    /// <summary>An F32 tensor over <paramref name="values"/> (not copied).</summary>
    public static TensorData FromFloats(string name, long[] shape, float[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var tensor = new TensorData(name, GgmlType.F32, shape, default, values, null);
        if ((long)values.Length * sizeof(float) != tensor.ByteLength)
        {
            throw new ArgumentException($"Tensor '{name}' needs {tensor.ByteLength / sizeof(float)} floats but {values.Length} were given.", nameof(values));
        }
        return tensor;
    }

    /// <summary>
    /// A tensor whose bytes <paramref name="write"/> produces when the tensor is written; it must write exactly
    /// <see cref="ByteLength"/> bytes, and may be called more than once.
    /// </summary>
    public static TensorData FromWriter(string name, GgmlType type, long[] shape, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        return new TensorData(name, type, shape, default, null, write);
    }

    /// <summary>
    /// A tensor over a mapped view (not copied), named <paramref name="name"/> or the view's name. The view's source
    /// must stay open until the tensor has been written.
    /// </summary>
    public static unsafe TensorData FromView(TensorView view, string? name = null)
    {
        var data = view.Data;
        var length = view.ByteLength;
        return FromWriter(name ?? view.Name, view.Type, (long[])view.Shape.Clone(), stream =>
        {
            const int Chunk = 1 << 30;
            for (long done = 0; done < length; done += Chunk)
            {
                stream.Write(new ReadOnlySpan<byte>((byte*)data + done, (int)Math.Min(Chunk, length - done)));
            }
        });
    }

    /// <summary>The same bytes under another name and shape of the same size (for renaming and reshaping on conversion).</summary>
    public TensorData WithName(string name, long[]? shape = null)
    {
        var renamed = new TensorData(name, Type, shape ?? Shape, _bytes, _floats, _write);
        if (renamed.ByteLength != ByteLength)
        {
            throw new ArgumentException($"Shape [{string.Join(", ", renamed.Shape)}] does not hold the {ByteLength} bytes of tensor '{Name}'.", nameof(shape));
        }
        return renamed;
    }

    /// <summary>Writes the tensor's bytes to <paramref name="destination"/>, checking the count.</summary>
    public void WriteTo(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (_write is null)
        {
            destination.Write(_floats is null ? _bytes.Span : MemoryMarshal.AsBytes(_floats.AsSpan()));
            return;
        }
        var counter = new CountingStream(destination);
        _write(counter);
        if (counter.Count != ByteLength)
        {
            throw new InvalidOperationException($"Tensor '{Name}' should be {ByteLength} bytes but its writer produced {counter.Count}.");
        }
    }

    /// <summary>The tensor's bytes: the same memory when it was given as bytes, otherwise a new copy.</summary>
    public ReadOnlyMemory<byte> GetBytes()
    {
        if (_write is null && _floats is null)
        {
            return _bytes;
        }
        if (ByteLength > Array.MaxLength)
        {
            throw new InvalidOperationException($"Tensor '{Name}' is {ByteLength} bytes, too large to hold in one array.");
        }
        var buffer = new byte[ByteLength];
        WriteTo(new MemoryStream(buffer, writable: true));
        return buffer;
    }
}
