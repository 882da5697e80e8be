using System.Buffers.Binary;

namespace LlmEngine.Models.Quantization;

/// <summary>
/// ggml's reference quantizers (<c>quantize_row_*_ref</c>) for the 32-element block types. Each float operation is
/// one IEEE rounding in ggml's order, so the bytes equal llama.cpp's.
/// </summary>
internal static class LegacyQuantizer
{
    private const int QK = 32;

    public static void Q4_0(ReadOnlySpan<float> source, Span<byte> destination)
    {
        for (var i = 0; i < source.Length / QK; i++)
        {
            var x = source.Slice(i * QK, QK);
            var block = destination.Slice(i * 18, 18);
            var (_, max) = AbsMax(x);
            var d = max / -8;
            var id = d != 0 ? 1.0f / d : 0.0f;
            QuantMath.WriteHalf(block, 0, d);
            for (var j = 0; j < QK / 2; j++)
            {
                var xi0 = Math.Min(15, (int)(x[j] * id + 8.5f));
                var xi1 = Math.Min(15, (int)(x[j + QK / 2] * id + 8.5f));
                block[2 + j] = (byte)(xi0 | (xi1 << 4));
            }
        }
    }

    public static void Q4_1(ReadOnlySpan<float> source, Span<byte> destination)
    {
        for (var i = 0; i < source.Length / QK; i++)
        {
            var x = source.Slice(i * QK, QK);
            var block = destination.Slice(i * 20, 20);
            var (min, max) = MinMax(x);
            var d = (max - min) / 15;
            var id = d != 0 ? 1.0f / d : 0.0f;
            QuantMath.WriteHalf(block, 0, d);
            QuantMath.WriteHalf(block, 2, min);
            for (var j = 0; j < QK / 2; j++)
            {
                var xi0 = Math.Min(15, (int)((x[j] - min) * id + 0.5f));
                var xi1 = Math.Min(15, (int)((x[j + QK / 2] - min) * id + 0.5f));
                block[4 + j] = (byte)(xi0 | (xi1 << 4));
            }
        }
    }

    public static void Q5_0(ReadOnlySpan<float> source, Span<byte> destination)
    {
        for (var i = 0; i < source.Length / QK; i++)
        {
            var x = source.Slice(i * QK, QK);
            var block = destination.Slice(i * 22, 22);
            var (_, max) = AbsMax(x);
            var d = max / -16;
            var id = d != 0 ? 1.0f / d : 0.0f;
            QuantMath.WriteHalf(block, 0, d);
            uint qh = 0;
            for (var j = 0; j < QK / 2; j++)
            {
                var xi0 = Math.Min(31, (int)(x[j] * id + 16.5f));
                var xi1 = Math.Min(31, (int)(x[j + QK / 2] * id + 16.5f));
                block[6 + j] = (byte)((xi0 & 0x0F) | ((xi1 & 0x0F) << 4));
                qh |= (uint)((xi0 & 0x10) >> 4) << j;
                qh |= (uint)((xi1 & 0x10) >> 4) << (j + QK / 2);
            }
            BinaryPrimitives.WriteUInt32LittleEndian(block[2..], qh);
        }
    }

    public static void Q5_1(ReadOnlySpan<float> source, Span<byte> destination)
    {
        for (var i = 0; i < source.Length / QK; i++)
        {
            var x = source.Slice(i * QK, QK);
            var block = destination.Slice(i * 24, 24);
            var (min, max) = MinMax(x);
            var d = (max - min) / 31;
            var id = d != 0 ? 1.0f / d : 0.0f;
            QuantMath.WriteHalf(block, 0, d);
            QuantMath.WriteHalf(block, 2, min);
            uint qh = 0;
            for (var j = 0; j < QK / 2; j++)
            {
                var xi0 = (int)((x[j] - min) * id + 0.5f);
                var xi1 = (int)((x[j + QK / 2] - min) * id + 0.5f);
                block[8 + j] = (byte)((xi0 & 0x0F) | ((xi1 & 0x0F) << 4));
                qh |= (uint)((xi0 & 0x10) >> 4) << j;
                qh |= (uint)((xi1 & 0x10) >> 4) << (j + QK / 2);
            }
            BinaryPrimitives.WriteUInt32LittleEndian(block[4..], qh);
        }
    }

    public static void Q8_0(ReadOnlySpan<float> source, Span<byte> destination)
    {
        for (var i = 0; i < source.Length / QK; i++)
        {
            var x = source.Slice(i * QK, QK);
            var block = destination.Slice(i * 34, 34);
            var amax = 0f;
            foreach (var v in x)
            {
                var a = MathF.Abs(v);
                amax = amax > a ? amax : a;
            }
            var d = amax / 127;
            var id = d != 0 ? 1.0f / d : 0.0f;
            QuantMath.WriteHalf(block, 0, d);
            for (var j = 0; j < QK; j++)
            {
                block[2 + j] = (byte)(sbyte)MathF.Round(x[j] * id, MidpointRounding.AwayFromZero);
            }
        }
    }

    /// <summary>The value of largest magnitude (the first one on ties), as ggml's strict <c>amax &lt; |v|</c> scan finds it.</summary>
    private static (float AbsMax, float Max) AbsMax(ReadOnlySpan<float> x)
    {
        float amax = 0, max = 0;
        foreach (var v in x)
        {
            if (amax < MathF.Abs(v))
            {
                amax = MathF.Abs(v);
                max = v;
            }
        }
        return (amax, max);
    }

    private static (float Min, float Max) MinMax(ReadOnlySpan<float> x)
    {
        var min = float.MaxValue;
        var max = -float.MaxValue;
        foreach (var v in x)
        {
            if (v < min)
            {
                min = v;
            }
            if (v > max)
            {
                max = v;
            }
        }
        return (min, max);
    }
}
