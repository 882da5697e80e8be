using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace LlmEngine.Models.Quantization;

/// <summary>
/// Converts float32 to ggml tensor data, byte-identical with ggml's reference quantizers (<c>quantize_row_*_ref</c>,
/// no importance matrix) as llama-quantize uses them: F16, BF16, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q4_K, Q5_K, Q6_K.
/// Blocks are independent, so any run of whole blocks (a row, a row range, a tensor) can be quantized in one call
/// and rows can be quantized in parallel.
/// </summary>
public static class Quantizer
{
    /// <summary>Whether values can be quantized to <paramref name="type"/>.</summary>
    public static bool IsSupported(GgmlType type) => type is GgmlType.F32 or GgmlType.F16 or GgmlType.BF16
        or GgmlType.Q4_0 or GgmlType.Q4_1 or GgmlType.Q5_0 or GgmlType.Q5_1 or GgmlType.Q8_0
        or GgmlType.Q4_K or GgmlType.Q5_K or GgmlType.Q6_K;

    /// <summary>
    /// Quantizes <paramref name="source"/> (a multiple of the type's block size) into <paramref name="destination"/>,
    /// which must hold at least <see cref="GgmlTypeInfo.RowBytes"/>(type, source.Length) bytes; exactly that many are written.
    /// </summary>
    /// <exception cref="NotSupportedException">The type cannot be produced.</exception>
    /// <exception cref="ArgumentException">The lengths do not fit the type's block layout.</exception>
    public static void Quantize(GgmlType type, ReadOnlySpan<float> source, Span<byte> destination)
    {
        if (!IsSupported(type))
        {
            throw new NotSupportedException($"Quantization to {type} is not supported.");
        }
        Dequantizer.CheckLengths(type, destination.Length, source.Length);
        switch (type)
        {
            case GgmlType.F32:
                MemoryMarshal.AsBytes(source).CopyTo(destination);
                break;
            case GgmlType.F16:
                // Round to nearest even, as ggml_fp32_to_fp16_row does.
                TensorPrimitives.ConvertToHalf(source, MemoryMarshal.Cast<byte, Half>(destination)[..source.Length]);
                break;
            case GgmlType.BF16:
                {
                    var bits = MemoryMarshal.Cast<byte, ushort>(destination);
                    for (var i = 0; i < source.Length; i++)
                    {
                        bits[i] = QuantMath.ToBFloat16(source[i]);
                    }
                    break;
                }
            case GgmlType.Q4_0:
                LegacyQuantizer.Q4_0(source, destination);
                break;
            case GgmlType.Q4_1:
                LegacyQuantizer.Q4_1(source, destination);
                break;
            case GgmlType.Q5_0:
                LegacyQuantizer.Q5_0(source, destination);
                break;
            case GgmlType.Q5_1:
                LegacyQuantizer.Q5_1(source, destination);
                break;
            case GgmlType.Q8_0:
                LegacyQuantizer.Q8_0(source, destination);
                break;
            case GgmlType.Q4_K:
                KQuantizer.Q4_K(source, destination);
                break;
            case GgmlType.Q5_K:
                KQuantizer.Q5_K(source, destination);
                break;
            default:
                KQuantizer.Q6_K(source, destination);
                break;
        }
    }
}
