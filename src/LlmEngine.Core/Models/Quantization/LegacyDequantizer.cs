using System.Buffers.Binary;

namespace LlmEngine.Models.Quantization;

/// <summary>
/// Scalar dequantizers for ggml's 32-element block types (Q4_0, Q4_1, Q5_0, Q5_1, Q8_0): the reference every
/// vectorized path must equal bit for bit. Each float operation is one IEEE rounding, as in ggml's C.
/// </summary>
internal static class LegacyDequantizer
{
    private const int QK = 32;

    public static void Q4_0(ReadOnlySpan<byte> source, Span<float> destination)
    {
        for (var i = 0; i < destination.Length / QK; i++)
        {
            var block = source.Slice(i * 18, 18);
            var y = destination.Slice(i * QK, QK);
            var d = QuantMath.ReadHalf(block, 0);
            var qs = block[2..];
            for (var j = 0; j < QK / 2; j++)
            {
                y[j] = ((qs[j] & 0x0F) - 8) * d;
                y[j + QK / 2] = ((qs[j] >> 4) - 8) * d;
            }
        }
    }

    public static void Q4_1(ReadOnlySpan<byte> source, Span<float> destination)
    {
        for (var i = 0; i < destination.Length / QK; i++)
        {
            var block = source.Slice(i * 20, 20);
            var y = destination.Slice(i * QK, QK);
            var d = QuantMath.ReadHalf(block, 0);
            var m = QuantMath.ReadHalf(block, 2);
            var qs = block[4..];
            for (var j = 0; j < QK / 2; j++)
            {
                y[j] = (qs[j] & 0x0F) * d + m;
                y[j + QK / 2] = (qs[j] >> 4) * d + m;
            }
        }
    }

    public static void Q5_0(ReadOnlySpan<byte> source, Span<float> destination)
    {
        for (var i = 0; i < destination.Length / QK; i++)
        {
            var block = source.Slice(i * 22, 22);
            var y = destination.Slice(i * QK, QK);
            var d = QuantMath.ReadHalf(block, 0);
            var qh = BinaryPrimitives.ReadUInt32LittleEndian(block[2..]);
            var qs = block[6..];
            for (var j = 0; j < QK / 2; j++)
            {
                var xh0 = (int)((qh >> j) << 4) & 0x10;
                var xh1 = (int)(qh >> (j + 12)) & 0x10;
                y[j] = (((qs[j] & 0x0F) | xh0) - 16) * d;
                y[j + QK / 2] = (((qs[j] >> 4) | xh1) - 16) * d;
            }
        }
    }

    public static void Q5_1(ReadOnlySpan<byte> source, Span<float> destination)
    {
        for (var i = 0; i < destination.Length / QK; i++)
        {
            var block = source.Slice(i * 24, 24);
            var y = destination.Slice(i * QK, QK);
            var d = QuantMath.ReadHalf(block, 0);
            var m = QuantMath.ReadHalf(block, 2);
            var qh = BinaryPrimitives.ReadUInt32LittleEndian(block[4..]);
            var qs = block[8..];
            for (var j = 0; j < QK / 2; j++)
            {
                var xh0 = (int)((qh >> j) << 4) & 0x10;
                var xh1 = (int)(qh >> (j + 12)) & 0x10;
                y[j] = ((qs[j] & 0x0F) | xh0) * d + m;
                y[j + QK / 2] = ((qs[j] >> 4) | xh1) * d + m;
            }
        }
    }

    public static void Q8_0(ReadOnlySpan<byte> source, Span<float> destination)
    {
        for (var i = 0; i < destination.Length / QK; i++)
        {
            var block = source.Slice(i * 34, 34);
            var y = destination.Slice(i * QK, QK);
            var d = QuantMath.ReadHalf(block, 0);
            for (var j = 0; j < QK; j++)
            {
                y[j] = (sbyte)block[2 + j] * d;
            }
        }
    }
}
