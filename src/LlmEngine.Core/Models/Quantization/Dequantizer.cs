using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace LlmEngine.Models.Quantization;

/// <summary>Converts ggml tensor data to float32, bit-exact with ggml's <c>to_float</c>.</summary>
public static class Dequantizer
{
    /// <summary>Whether <paramref name="type"/> can be dequantized.</summary>
    public static bool IsSupported(GgmlType type) => type is GgmlType.F32 or GgmlType.F16 or GgmlType.BF16;

    /// <summary>
    /// Dequantizes <paramref name="destination"/>.Length elements (a multiple of the type's block size) from
    /// <paramref name="source"/>, which holds exactly their blocks.
    /// </summary>
    public static void Dequantize(GgmlType type, ReadOnlySpan<byte> source, Span<float> destination)
    {
        switch (type)
        {
            case GgmlType.F32:
                MemoryMarshal.Cast<byte, float>(source)[..destination.Length].CopyTo(destination);
                break;
            case GgmlType.F16:
                TensorPrimitives.ConvertToSingle(MemoryMarshal.Cast<byte, Half>(source)[..destination.Length], destination);
                break;
            case GgmlType.BF16:
                {
                    var src = MemoryMarshal.Cast<byte, ushort>(source)[..destination.Length];
                    for (var i = 0; i < src.Length; i++)
                    {
                        destination[i] = BitConverter.Int32BitsToSingle(src[i] << 16);
                    }
                    break;
                }
            default:
                throw new NotSupportedException($"Dequantization of {type} is not supported.");
        }
    }
}
