using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace LlmEngine.Models.Quantization;

/// <summary>Scalar helpers shared by the quantizers and dequantizers, each rounding exactly as ggml's C does.</summary>
internal static class QuantMath
{
    /// <summary>Elements in a k-quant super-block (ggml's <c>QK_K</c>).</summary>
    public const int SuperBlock = 256;

    /// <summary>Reads a little-endian IEEE half at <paramref name="offset"/> as float (exact).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ReadHalf(ReadOnlySpan<byte> bytes, int offset) =>
        (float)BinaryPrimitives.ReadHalfLittleEndian(bytes.Slice(offset, 2));

    /// <summary>Writes <paramref name="value"/> as a little-endian IEEE half, rounded to nearest even.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WriteHalf(Span<byte> bytes, int offset, float value) =>
        BinaryPrimitives.WriteHalfLittleEndian(bytes.Slice(offset, 2), (Half)value);

    /// <summary>The float a half rounds <paramref name="value"/> to: ggml re-reads stored scales this way.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float RoundToHalf(float value) => (float)(Half)value;

    /// <summary>
    /// ggml's <c>nearest_int</c>: adding 1.5 * 2^23 leaves the integer, rounded half to even, in the low mantissa bits.
    /// Valid for |x| up to 2^22.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int NearestInt(float x)
    {
        var bits = BitConverter.SingleToInt32Bits(x + 12582912f);
        return (bits & 0x007fffff) - 0x00400000;
    }

    /// <summary>ggml's <c>get_scale_min_k4</c>: the 6-bit scale and min of sub-block <paramref name="j"/> of a Q4_K/Q5_K block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ScaleMinK4(int j, ReadOnlySpan<byte> scales, out int scale, out int min)
    {
        if (j < 4)
        {
            scale = scales[j] & 63;
            min = scales[j + 4] & 63;
        }
        else
        {
            scale = (scales[j + 4] & 0xF) | ((scales[j - 4] >> 6) << 4);
            min = (scales[j + 4] >> 4) | ((scales[j] >> 6) << 4);
        }
    }

    /// <summary>float32 to bfloat16 bits as ggml does it: round to nearest even, NaN forced quiet.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort ToBFloat16(float value)
    {
        var u = BitConverter.SingleToUInt32Bits(value);
        if ((u & 0x7fffffff) > 0x7f800000)
        {
            return (ushort)((u >> 16) | 64);
        }
        return (ushort)((u + (0x7fff + ((u >> 16) & 1))) >> 16);
    }
}
