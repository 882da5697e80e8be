namespace LlmEngine.Models;

/// <summary>
/// A tensor's bytes in mapped model memory, with its type and shape in ggml order (<c>Shape[0]</c> is the contiguous
/// row length). Valid while the <see cref="ITensorSource"/> that produced it is open; nothing is copied.
/// </summary>
/// <param name="Name">The tensor's name in GGUF naming (<c>blk.0.attn_q.weight</c>).</param>
/// <param name="Type">Element type.</param>
/// <param name="Shape">Dimensions, contiguous first.</param>
/// <param name="Data">Address of the first byte.</param>
/// <param name="ByteLength">Number of bytes.</param>
public readonly record struct TensorView(string Name, GgmlType Type, long[] Shape, nint Data, long ByteLength)
{
    /// <summary>Total number of elements.</summary>
    public long ElementCount
    {
        get
        {
            long n = 1;
            foreach (var d in Shape)
            {
                n *= d;
            }
            return n;
        }
    }

    /// <summary>Elements per row (<c>Shape[0]</c>).</summary>
    public long RowLength => Shape.Length == 0 ? 1 : Shape[0];

    /// <summary>Number of rows (product of the other dimensions).</summary>
    public long RowCount => RowLength == 0 ? 0 : ElementCount / RowLength;

    /// <summary>Bytes of one row.</summary>
    public long RowBytes => GgmlTypeInfo.RowBytes(Type, RowLength);

    /// <summary>The bytes as a span (tensors over 2 GiB must be read by row with <see cref="Row"/>).</summary>
    public unsafe ReadOnlySpan<byte> Bytes => ByteLength <= int.MaxValue
        ? new ReadOnlySpan<byte>((void*)Data, (int)ByteLength)
        : throw new InvalidOperationException($"Tensor '{Name}' is {ByteLength} bytes; read it by row.");

    /// <summary>The bytes of row <paramref name="row"/>.</summary>
    public unsafe ReadOnlySpan<byte> Row(long row)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, RowCount);
        var rowBytes = RowBytes;
        return new ReadOnlySpan<byte>((byte*)Data + row * rowBytes, (int)rowBytes);
    }

    /// <summary>The shape as text, for messages.</summary>
    public string ShapeText => "[" + string.Join(", ", Shape) + "]";
}
