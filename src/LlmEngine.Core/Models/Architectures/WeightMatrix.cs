using LlmEngine.Models.Quantization;

namespace LlmEngine.Models.Architectures;

/// <summary>
/// A projection's weights: <see cref="Rows"/> output rows of <see cref="Columns"/> inputs each, read in place from a
/// mapped tensor (possibly a row range of a fused tensor such as <c>attn_qkv</c>). Row <c>r</c> produces output <c>r</c>.
/// </summary>
internal sealed unsafe class WeightMatrix
{
    private readonly byte* _first;

    /// <summary>Views rows <paramref name="firstRow"/> to <paramref name="firstRow"/> + <paramref name="rows"/> of <paramref name="tensor"/>.</summary>
    public WeightMatrix(TensorView tensor, int firstRow, int rows)
    {
        Tensor = tensor;
        Rows = rows;
        Columns = checked((int)tensor.RowLength);
        RowBytes = checked((int)tensor.RowBytes);
        _first = (byte*)tensor.Data + (long)firstRow * RowBytes;
    }

    /// <summary>The tensor the rows come from.</summary>
    public TensorView Tensor { get; }

    /// <summary>Element type of the weights.</summary>
    public GgmlType Type => Tensor.Type;

    /// <summary>Number of output rows.</summary>
    public int Rows { get; }

    /// <summary>Inputs per row.</summary>
    public int Columns { get; }

    /// <summary>Bytes of one row.</summary>
    public int RowBytes { get; }

    /// <summary>The stored bytes of row <paramref name="row"/> (unchecked: callers stay within <see cref="Rows"/>).</summary>
    public ReadOnlySpan<byte> RowData(int row) => new(_first + (long)row * RowBytes, RowBytes);

    /// <summary>Row <paramref name="row"/> as floats, in place; only for <see cref="GgmlType.F32"/> weights.</summary>
    public ReadOnlySpan<float> F32Row(int row) => new(_first + (long)row * RowBytes, Columns);

    /// <summary>Address of row <paramref name="row"/> as floats; only for <see cref="GgmlType.F32"/> weights (rows are contiguous).</summary>
    public float* F32RowPointer(int row) => (float*)(_first + (long)row * RowBytes);

    /// <summary>Row <paramref name="row"/> as float32: in place for F32 weights, else dequantized into <paramref name="scratch"/>.</summary>
    public ReadOnlySpan<float> ReadRow(int row, Span<float> scratch)
    {
        if (Type == GgmlType.F32)
        {
            return F32Row(row);
        }
        var destination = scratch[..Columns];
        Dequantizer.Dequantize(Type, RowData(row), destination);
        return destination;
    }
}
