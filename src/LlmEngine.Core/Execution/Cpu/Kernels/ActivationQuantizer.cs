using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LlmEngine.Execution.Cpu.Kernels;

/// <summary>
/// Quantizes one activation row to int8 as llama.cpp does before its integer dot products: <see cref="Blocks"/> gives
/// ggml's Q8_0 (blocks of 32, scale = max|x| / 127 rounded to a half, as stored), <see cref="SuperBlocks"/> ggml's Q8_K
/// (blocks of 256, scale from the signed extreme, plus the sum of every 16 quants for the k-quants' minimums).
/// Rounding is to nearest even on every path, so the vector and scalar paths give the same bytes.
/// </summary>
internal static unsafe class ActivationQuantizer
{
    /// <summary>Elements per <see cref="Blocks"/> block.</summary>
    public const int Block = 32;

    /// <summary>Elements per <see cref="SuperBlocks"/> block.</summary>
    public const int SuperBlock = 256;

    /// <summary>Q8_0: <paramref name="n"/> (a multiple of 32) floats to <paramref name="q"/> and one scale per 32 in <paramref name="d"/>.</summary>
    public static void Blocks(float* x, int n, sbyte* q, float* d)
    {
        for (var b = 0; b < n / Block; b++)
        {
            var xb = x + b * Block;
            var qb = q + b * Block;
            if (Avx2.IsSupported)
            {
                var v0 = Avx.LoadVector256(xb);
                var v1 = Avx.LoadVector256(xb + 8);
                var v2 = Avx.LoadVector256(xb + 16);
                var v3 = Avx.LoadVector256(xb + 24);
                var max = Vector256.Max(Vector256.Max(Vector256.Abs(v0), Vector256.Abs(v1)), Vector256.Max(Vector256.Abs(v2), Vector256.Abs(v3)));
                var amax = HorizontalMax(max);
                d[b] = (float)(Half)(amax / 127f);
                var id = Vector256.Create(amax != 0 ? 127f / amax : 0f);
                Pack(v0 * id, v1 * id, v2 * id, v3 * id, qb);
                continue;
            }
            var amaxScalar = 0f;
            for (var i = 0; i < Block; i++)
            {
                amaxScalar = MathF.Max(amaxScalar, MathF.Abs(xb[i]));
            }
            d[b] = (float)(Half)(amaxScalar / 127f);
            var inverse = amaxScalar != 0 ? 127f / amaxScalar : 0f;
            for (var i = 0; i < Block; i++)
            {
                qb[i] = (sbyte)MathF.Round(xb[i] * inverse);
            }
        }
    }

    /// <summary>
    /// Q8_K: <paramref name="n"/> (a multiple of 256) floats to <paramref name="q"/>, one scale per 256 in
    /// <paramref name="d"/> and the sum of every 16 quants in <paramref name="sums"/>.
    /// </summary>
    public static void SuperBlocks(float* x, int n, sbyte* q, float* d, short* sums)
    {
        for (var b = 0; b < n / SuperBlock; b++)
        {
            var xb = x + b * SuperBlock;
            var qb = q + b * SuperBlock;
            var max = SignedExtreme(xb);
            if (max == 0)
            {
                d[b] = 0;
                new Span<sbyte>(qb, SuperBlock).Clear();
                new Span<short>(sums + b * 16, 16).Clear();
                continue;
            }
            var iscale = -127f / max;
            d[b] = 1 / iscale;
            if (Avx2.IsSupported)
            {
                var s = Vector256.Create(iscale);
                for (var i = 0; i < SuperBlock; i += 32)
                {
                    Pack(Avx.LoadVector256(xb + i) * s, Avx.LoadVector256(xb + i + 8) * s, Avx.LoadVector256(xb + i + 16) * s, Avx.LoadVector256(xb + i + 24) * s, qb + i);
                }
            }
            else
            {
                for (var i = 0; i < SuperBlock; i++)
                {
                    qb[i] = (sbyte)Math.Min(127f, MathF.Round(iscale * xb[i]));
                }
            }
            for (var g = 0; g < 16; g++)
            {
                var sum = 0;
                for (var i = 0; i < 16; i++)
                {
                    sum += qb[g * 16 + i];
                }
                sums[b * 16 + g] = (short)sum;
            }
        }
    }

    /// <summary><paramref name="q"/> + 128 as unsigned bytes (flipping the sign bit), <paramref name="n"/> a multiple of 32.</summary>
    public static void ToUnsigned(sbyte* q, byte* u, int n)
    {
        var flip = Vector256.Create((byte)0x80);
        for (var i = 0; i < n; i += 32)
        {
            (Vector256.Load((byte*)q + i) ^ flip).Store(u + i);
        }
    }

    /// <summary>The element of largest magnitude, the first of equals (as ggml's loop keeps it).</summary>
    private static float SignedExtreme(float* x)
    {
        var amax = 0f;
        var max = 0f;
        for (var i = 0; i < SuperBlock; i++)
        {
            var a = MathF.Abs(x[i]);
            if (a > amax)
            {
                amax = a;
                max = x[i];
            }
        }
        return max;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float HorizontalMax(Vector256<float> v)
    {
        var m = Vector128.Max(v.GetLower(), v.GetUpper());
        m = Vector128.Max(m, Sse.Shuffle(m, m, 0b01_00_11_10));
        m = Vector128.Max(m, Sse.Shuffle(m, m, 0b10_11_00_01));
        return m.ToScalar();
    }

    /// <summary>Rounds 32 floats (already scaled, |v| ≤ 127) to nearest even and stores them as bytes in order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Pack(Vector256<float> a, Vector256<float> b, Vector256<float> c, Vector256<float> e, sbyte* destination)
    {
        // VCVTPS2DQ rounds by MXCSR, nearest even by default (.NET never changes it).
        var ab = Avx2.PackSignedSaturate(Avx.ConvertToVector256Int32(a), Avx.ConvertToVector256Int32(b));
        var ce = Avx2.PackSignedSaturate(Avx.ConvertToVector256Int32(c), Avx.ConvertToVector256Int32(e));
        var bytes = Avx2.PackSignedSaturate(ab, ce);
        // The packs interleave 128-bit lanes; this dword permutation restores element order.
        var ordered = Avx2.PermuteVar8x32(bytes.AsInt32(), Vector256.Create(0, 4, 1, 5, 2, 6, 3, 7));
        ordered.AsSByte().Store(destination);
    }
}
