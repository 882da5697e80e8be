using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace LlmEngine.Models.Quantization;

/// <summary>
/// Converts ggml tensor data to float32, bit-exact with ggml's <c>to_float</c> for F32, F16, BF16, Q4_0, Q4_1, Q5_0,
/// Q5_1, Q8_0, Q2_K..Q6_K, IQ4_NL and IQ4_XS. Allocation-free; the hot types are vectorized with AVX2 where present.
/// </summary>
public static class Dequantizer
{
    /// <summary>Whether <paramref name="type"/> can be dequantized.</summary>
    public static bool IsSupported(GgmlType type) => type is GgmlType.F32 or GgmlType.F16 or GgmlType.BF16
        or GgmlType.Q4_0 or GgmlType.Q4_1 or GgmlType.Q5_0 or GgmlType.Q5_1 or GgmlType.Q8_0
        or GgmlType.Q2_K or GgmlType.Q3_K or GgmlType.Q4_K or GgmlType.Q5_K or GgmlType.Q6_K
        or GgmlType.IQ4_NL or GgmlType.IQ4_XS;

    /// <summary>
    /// Dequantizes <paramref name="destination"/>.Length elements (a multiple of the type's block size) from
    /// <paramref name="source"/>, which holds at least their blocks.
    /// </summary>
    /// <exception cref="NotSupportedException">The type cannot be dequantized.</exception>
    /// <exception cref="ArgumentException">The lengths do not fit the type's block layout.</exception>
    public static void Dequantize(GgmlType type, ReadOnlySpan<byte> source, Span<float> destination)
    {
        if (!IsSupported(type))
        {
            throw new NotSupportedException($"Dequantization of {type} is not supported.");
        }
        CheckLengths(type, source.Length, destination.Length);
        var vectorized = VectorizedDequantizer.IsSupported;
        switch (type)
        {
            case GgmlType.F32:
                MemoryMarshal.Cast<byte, float>(source)[..destination.Length].CopyTo(destination);
                break;
            case GgmlType.F16:
                TensorPrimitives.ConvertToSingle(MemoryMarshal.Cast<byte, Half>(source)[..destination.Length], destination);
                break;
            case GgmlType.BF16 when vectorized:
                VectorizedDequantizer.BF16(source, destination);
                break;
            case GgmlType.BF16:
                BF16(source, destination);
                break;
            case GgmlType.Q4_0 when vectorized:
                VectorizedDequantizer.Q4_0(source, destination);
                break;
            case GgmlType.Q4_0:
                LegacyDequantizer.Q4_0(source, destination);
                break;
            case GgmlType.Q4_1:
                LegacyDequantizer.Q4_1(source, destination);
                break;
            case GgmlType.Q5_0:
                LegacyDequantizer.Q5_0(source, destination);
                break;
            case GgmlType.Q5_1:
                LegacyDequantizer.Q5_1(source, destination);
                break;
            case GgmlType.Q8_0 when vectorized:
                VectorizedDequantizer.Q8_0(source, destination);
                break;
            case GgmlType.Q8_0:
                LegacyDequantizer.Q8_0(source, destination);
                break;
            case GgmlType.Q2_K:
                KQuantDequantizer.Q2_K(source, destination);
                break;
            case GgmlType.Q3_K:
                KQuantDequantizer.Q3_K(source, destination);
                break;
            case GgmlType.Q4_K when vectorized:
                VectorizedDequantizer.Q4_K(source, destination);
                break;
            case GgmlType.Q4_K:
                KQuantDequantizer.Q4_K(source, destination);
                break;
            case GgmlType.Q5_K:
                KQuantDequantizer.Q5_K(source, destination);
                break;
            case GgmlType.Q6_K when vectorized:
                VectorizedDequantizer.Q6_K(source, destination);
                break;
            case GgmlType.Q6_K:
                KQuantDequantizer.Q6_K(source, destination);
                break;
            case GgmlType.IQ4_NL:
                IQ4Dequantizer.IQ4_NL(source, destination);
                break;
            default:
                IQ4Dequantizer.IQ4_XS(source, destination);
                break;
        }
    }

    /// <summary>
    /// Dequantizes row <paramref name="row"/> of <paramref name="tensor"/> into the first <see cref="TensorView.RowLength"/>
    /// elements of <paramref name="destination"/> (the forward pass's scratch-row path).
    /// </summary>
    public static void DequantizeRow(in TensorView tensor, long row, Span<float> destination)
    {
        if (destination.Length < tensor.RowLength)
        {
            throw new ArgumentException($"Tensor '{tensor.Name}' rows have {tensor.RowLength} elements; the destination holds {destination.Length}.", nameof(destination));
        }
        Dequantize(tensor.Type, tensor.Row(row), destination[..(int)tensor.RowLength]);
    }

    /// <summary>The scalar bfloat16 path: the top half of a float32.</summary>
    internal static void BF16(ReadOnlySpan<byte> source, Span<float> destination)
    {
        var src = MemoryMarshal.Cast<byte, ushort>(source)[..destination.Length];
        for (var i = 0; i < src.Length; i++)
        {
            destination[i] = BitConverter.Int32BitsToSingle(src[i] << 16);
        }
    }

    internal static void CheckLengths(GgmlType type, int sourceBytes, int elements)
    {
        var blockSize = GgmlTypeInfo.BlockSize(type);
        if (elements % blockSize != 0)
        {
            throw new ArgumentException($"{elements} elements is not a multiple of {type}'s block size {blockSize}.");
        }
        var needed = (long)(elements / blockSize) * GgmlTypeInfo.TypeSize(type);
        if (sourceBytes < needed)
        {
            throw new ArgumentException($"{elements} elements of {type} need {needed} bytes; the source has {sourceBytes}.");
        }
    }
}
