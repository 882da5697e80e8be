using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace LlmEngine.Models.Quantization;

/// <summary>
/// Matrix-vector products straight from ggml-typed weights, for the CPU forward pass: a weight matrix is never
/// dequantized whole. Q8_0, Q4_0, Q4_K and Q6_K rows are decoded in registers (AVX2+FMA); every other type is
/// dequantized a few blocks at a time into a stack buffer and reduced with <see cref="TensorPrimitives.Dot(ReadOnlySpan{float}, ReadOnlySpan{float})"/>.
/// Results equal dequantize-then-dot up to float rounding. Allocation-free and thread-safe: split the rows
/// across threads by calling <see cref="MatVec(GgmlType, nint, long, ReadOnlySpan{float}, Span{float}, int, int)"/>
/// with disjoint row ranges over the same <c>y</c>.
/// </summary>
public static unsafe class QuantizedMatMul
{
    /// <summary>
    /// Floats dequantized per step on the generic path: a multiple of every block size, and 8 KiB so the chunk and
    /// its slice of x stay in L1 while most rows (hidden sizes up to 2048) take a single step.
    /// </summary>
    private const int Chunk = 2048;

    /// <summary>Whether rows of <paramref name="type"/> can be multiplied (the types <see cref="Dequantizer"/> supports).</summary>
    public static bool IsSupported(GgmlType type) => Dequantizer.IsSupported(type);

    /// <summary>
    /// <c>y[r] = dot(row r of weight, x)</c> for r in [<paramref name="rowStart"/>, <paramref name="rowEnd"/>); the
    /// weight is [x.Length, rows] in ggml order (<c>Shape[0]</c> = x.Length). Other elements of y are untouched.
    /// </summary>
    public static void MatVec(in TensorView weight, ReadOnlySpan<float> x, Span<float> y, int rowStart, int rowEnd)
    {
        if (weight.RowLength != x.Length)
        {
            throw new ArgumentException($"Tensor '{weight.Name}' rows have {weight.RowLength} elements; x has {x.Length}.", nameof(x));
        }
        if (rowEnd > weight.RowCount)
        {
            throw new ArgumentOutOfRangeException(nameof(rowEnd), $"Tensor '{weight.Name}' has {weight.RowCount} rows; rowEnd is {rowEnd}.");
        }
        MatVec(weight.Type, weight.Data, weight.RowBytes, x, y, rowStart, rowEnd);
    }

    /// <summary>
    /// <c>y[r] = dot(row r, x)</c> for r in [<paramref name="rowStart"/>, <paramref name="rowEnd"/>), where row r is the
    /// x.Length elements of <paramref name="type"/> at <paramref name="data"/> + r * <paramref name="rowBytes"/>.
    /// The memory must stay valid (mapped) for the call.
    /// </summary>
    public static void MatVec(GgmlType type, nint data, long rowBytes, ReadOnlySpan<float> x, Span<float> y, int rowStart, int rowEnd)
    {
        if (!IsSupported(type))
        {
            throw new NotSupportedException($"Matrix products with {type} weights are not supported.");
        }
        Dequantizer.CheckLengths(type, (int)Math.Min(int.MaxValue, rowBytes), x.Length);
        ArgumentOutOfRangeException.ThrowIfNegative(rowStart);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rowStart, rowEnd);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rowEnd, y.Length);
        var n = x.Length;
        var needed = (int)GgmlTypeInfo.RowBytes(type, n);
        fixed (float* xp = x)
        {
            for (var r = rowStart; r < rowEnd; r++)
            {
                var row = (byte*)data + r * rowBytes;
                y[r] = DotUnchecked(type, row, needed, xp, x);
            }
        }
    }

    /// <summary>The dot product of one row of <paramref name="type"/> (holding x.Length elements) with <paramref name="x"/>.</summary>
    public static float Dot(GgmlType type, ReadOnlySpan<byte> row, ReadOnlySpan<float> x)
    {
        if (!IsSupported(type))
        {
            throw new NotSupportedException($"Dot products with {type} rows are not supported.");
        }
        Dequantizer.CheckLengths(type, row.Length, x.Length);
        fixed (byte* r = row)
        fixed (float* xp = x)
        {
            return DotUnchecked(type, r, (int)GgmlTypeInfo.RowBytes(type, x.Length), xp, x);
        }
    }

    // The scratch chunk is fully written before it is read; zeroing 8 KiB per row would cost more than the dot.
    [SkipLocalsInit]
    private static float DotUnchecked(GgmlType type, byte* row, int rowBytes, float* xp, ReadOnlySpan<float> x)
    {
        var n = x.Length;
        if (FusedDot.IsSupported)
        {
            switch (type)
            {
                case GgmlType.Q8_0:
                    return FusedDot.Q8_0(row, xp, n);
                case GgmlType.Q4_0:
                    return FusedDot.Q4_0(row, xp, n);
                case GgmlType.Q4_K:
                    return FusedDot.Q4_K(row, xp, n);
                case GgmlType.Q6_K:
                    return FusedDot.Q6_K(row, xp, n);
            }
        }
        var bytes = new ReadOnlySpan<byte>(row, rowBytes);
        if (type == GgmlType.F32)
        {
            return TensorPrimitives.Dot(MemoryMarshal.Cast<byte, float>(bytes), x);
        }
        var blockSize = GgmlTypeInfo.BlockSize(type);
        var typeSize = GgmlTypeInfo.TypeSize(type);
        Span<float> buffer = stackalloc float[Chunk];
        var sum = 0f;
        for (var offset = 0; offset < n; offset += Chunk)
        {
            var length = Math.Min(Chunk, n - offset);
            var chunk = buffer[..length];
            Dequantizer.Dequantize(type, bytes.Slice(offset / blockSize * typeSize, length / blockSize * typeSize), chunk);
            sum += TensorPrimitives.Dot(chunk, x.Slice(offset, length));
        }
        return sum;
    }
}
