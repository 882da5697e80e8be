using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using LlmEngine.Models.Quantization;

namespace LlmEngine.Execution.Cpu.Kernels;

/// <summary>
/// Unpacks ggml weight rows into <see cref="DecodedWeightTile"/>'s layout. Exact: every decoded level and scale equals
/// what <see cref="Dequantizer"/> multiplies together. Written with <see cref="Vector256"/> operations, which the JIT
/// lowers to AVX2 here and to portable code elsewhere.
/// </summary>
internal static unsafe class WeightDecoder
{
    public static void Q8_0(byte* row, int n, sbyte* w, float* d)
    {
        for (var b = 0; b < n / 32; b++)
        {
            var block = row + b * 34;
            d[b] = ReadHalf(block);
            Vector256.Load((sbyte*)(block + 2)).Store(w + b * 32);
        }
    }

    public static void Q4_0(byte* row, int n, sbyte* w, float* d)
    {
        var mask = Vector128.Create((byte)0x0F);
        var eight = Vector128.Create((sbyte)8);
        for (var b = 0; b < n / 32; b++)
        {
            var block = row + b * 18;
            d[b] = ReadHalf(block);
            var v = Vector128.Load(block + 2);
            ((v & mask).AsSByte() - eight).Store(w + b * 32);
            ((Vector128.ShiftRightLogical(v, 4) & mask).AsSByte() - eight).Store(w + b * 32 + 16);
        }
    }

    public static void Q5_0(byte* row, int n, sbyte* w, float* d)
    {
        for (var b = 0; b < n / 32; b++)
        {
            var block = row + b * 22;
            d[b] = ReadHalf(block);
            var qh = Unsafe.ReadUnaligned<uint>(block + 2);
            var qs = block + 6;
            var o = w + b * 32;
            for (var j = 0; j < 16; j++)
            {
                o[j] = (sbyte)(((qs[j] & 0x0F) | (int)(((qh >> j) << 4) & 0x10)) - 16);
                o[j + 16] = (sbyte)(((qs[j] >> 4) | (int)((qh >> (j + 12)) & 0x10)) - 16);
            }
        }
    }

    public static void Q4_K(byte* row, int n, byte* q, short* patterns, short* coefficients, float* d, float* dmin)
    {
        var mask = Vector256.Create((byte)0x0F);
        for (var b = 0; b < n / 256; b++)
        {
            var block = row + b * 144;
            d[b] = ReadHalf(block);
            dmin[b] = ReadHalf(block + 2);
            var scales = new ReadOnlySpan<byte>(block + 4, 12);
            var qb = q + b * 256;
            for (var j = 0; j < 4; j++)
            {
                var v = Vector256.Load(block + 16 + 32 * j);
                (v & mask).Store(qb + 64 * j);
                (Vector256.ShiftRightLogical(v, 4) & mask).Store(qb + 64 * j + 32);
            }
            SubBlockScales(scales, patterns + b * 128, coefficients + b * 16);
        }
    }

    public static void Q5_K(byte* row, int n, byte* q, short* patterns, short* coefficients, float* d, float* dmin)
    {
        var mask = Vector256.Create((byte)0x0F);
        var one = Vector256.Create((byte)1);
        for (var b = 0; b < n / 256; b++)
        {
            var block = row + b * 176;
            d[b] = ReadHalf(block);
            dmin[b] = ReadHalf(block + 2);
            var scales = new ReadOnlySpan<byte>(block + 4, 12);
            var qh = Vector256.Load(block + 16);
            var qb = q + b * 256;
            for (var j = 0; j < 4; j++)
            {
                var v = Vector256.Load(block + 48 + 32 * j);
                var high0 = Vector256.ShiftLeft(Vector256.ShiftRightLogical(qh, 2 * j) & one, 4);
                var high1 = Vector256.ShiftLeft(Vector256.ShiftRightLogical(qh, 2 * j + 1) & one, 4);
                ((v & mask) | high0).Store(qb + 64 * j);
                ((Vector256.ShiftRightLogical(v, 4) & mask) | high1).Store(qb + 64 * j + 32);
            }
            SubBlockScales(scales, patterns + b * 128, coefficients + b * 16);
        }
    }

    public static void Q6_K(byte* row, int n, byte* q, short* patterns, short* coefficients, float* d, float* dmin)
    {
        var low4 = Vector256.Create((byte)0x0F);
        var low2 = Vector256.Create((byte)0x03);
        for (var b = 0; b < n / 256; b++)
        {
            var block = row + b * 210;
            d[b] = ReadHalf(block + 208);
            dmin[b] = d[b];
            var qb = q + b * 256;
            for (var h = 0; h < 2; h++)
            {
                var ql0 = Vector256.Load(block + 64 * h);
                var ql32 = Vector256.Load(block + 64 * h + 32);
                var qh = Vector256.Load(block + 128 + 32 * h);
                var o = qb + 128 * h;
                ((ql0 & low4) | Vector256.ShiftLeft(qh & low2, 4)).Store(o);
                ((ql32 & low4) | Vector256.ShiftLeft(Vector256.ShiftRightLogical(qh, 2) & low2, 4)).Store(o + 32);
                (Vector256.ShiftRightLogical(ql0, 4) | Vector256.ShiftLeft(Vector256.ShiftRightLogical(qh, 4) & low2, 4)).Store(o + 64);
                (Vector256.ShiftRightLogical(ql32, 4) | Vector256.ShiftLeft(Vector256.ShiftRightLogical(qh, 6), 4)).Store(o + 96);
            }
            var sc = (sbyte*)(block + 192);
            var p = patterns + b * 128;
            for (var c = 0; c < 8; c++)
            {
                Vector256.Create(Vector128.Create((short)sc[2 * c]), Vector128.Create((short)sc[2 * c + 1])).Store(p + 16 * c);
            }
            for (var g = 0; g < 16; g++)
            {
                // Levels are stored without their -32 offset; it comes back as 32·scale times the group's sum.
                coefficients[b * 16 + g] = (short)(32 * sc[g]);
            }
        }
    }

    /// <summary>Q4_K/Q5_K: sub-block j (32 elements) has a 6-bit scale and min, shared by its two 16-element groups.</summary>
    private static void SubBlockScales(ReadOnlySpan<byte> scales, short* patterns, short* coefficients)
    {
        for (var j = 0; j < 8; j++)
        {
            QuantMath.ScaleMinK4(j, scales, out var scale, out var min);
            Vector256.Create((short)scale).Store(patterns + 16 * j);
            coefficients[2 * j] = (short)min;
            coefficients[2 * j + 1] = (short)min;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float ReadHalf(byte* p) => (float)Unsafe.ReadUnaligned<Half>(p);
}
