using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LlmEngine.Models.Quantization;

/// <summary>
/// AVX2+FMA dot products of one quantized row with a float vector, decoding each block in registers instead of
/// through memory. Scales are applied per block (or sub-block) to the partial sums, so results differ from
/// dequantize-then-dot only by float rounding. Callers check <see cref="IsSupported"/> and validate lengths.
/// </summary>
internal static unsafe class FusedDot
{
    public static bool IsSupported => Avx2.IsSupported && Fma.IsSupported;

    public static float Q8_0(byte* row, float* x, int n)
    {
        var acc = Vector256<float>.Zero;
        for (var i = 0; i < n / 32; i++)
        {
            var block = row + i * 34;
            var q = (sbyte*)(block + 2);
            var xp = x + i * 32;
            var s = ToFloat(Avx2.ConvertToVector256Int32(q)) * Avx.LoadVector256(xp);
            s = Fma.MultiplyAdd(ToFloat(Avx2.ConvertToVector256Int32(q + 8)), Avx.LoadVector256(xp + 8), s);
            s = Fma.MultiplyAdd(ToFloat(Avx2.ConvertToVector256Int32(q + 16)), Avx.LoadVector256(xp + 16), s);
            s = Fma.MultiplyAdd(ToFloat(Avx2.ConvertToVector256Int32(q + 24)), Avx.LoadVector256(xp + 24), s);
            acc = Fma.MultiplyAdd(s, Vector256.Create(ReadHalf(block)), acc);
        }
        return Vector256.Sum(acc);
    }

    public static float Q4_0(byte* row, float* x, int n)
    {
        var acc = Vector256<float>.Zero;
        var mask = Vector128.Create((byte)0x0F);
        var eight = Vector256.Create(8);
        for (var i = 0; i < n / 32; i++)
        {
            var block = row + i * 18;
            var v = Sse2.LoadVector128(block + 2);
            var lo = v & mask;
            var hi = (v.AsUInt16() >>> 4).AsByte() & mask;
            var xp = x + i * 32;
            var s = ToFloat(Avx2.ConvertToVector256Int32(lo) - eight) * Avx.LoadVector256(xp);
            s = Fma.MultiplyAdd(ToFloat(Avx2.ConvertToVector256Int32(Upper8(lo)) - eight), Avx.LoadVector256(xp + 8), s);
            s = Fma.MultiplyAdd(ToFloat(Avx2.ConvertToVector256Int32(hi) - eight), Avx.LoadVector256(xp + 16), s);
            s = Fma.MultiplyAdd(ToFloat(Avx2.ConvertToVector256Int32(Upper8(hi)) - eight), Avx.LoadVector256(xp + 24), s);
            acc = Fma.MultiplyAdd(s, Vector256.Create(ReadHalf(block)), acc);
        }
        return Vector256.Sum(acc);
    }

    public static float Q4_K(byte* row, float* x, int n)
    {
        var acc = Vector256<float>.Zero;
        var mask = Vector128.Create((byte)0x0F);
        for (var i = 0; i < n / QuantMath.SuperBlock; i++)
        {
            var block = row + i * 144;
            var d = ReadHalf(block);
            var min = ReadHalf(block + 2);
            var scales = new ReadOnlySpan<byte>(block + 4, 12);
            for (var j = 0; j < 4; j++)
            {
                var q = block + 16 + 32 * j;
                var xp = x + i * QuantMath.SuperBlock + 64 * j;
                var v0 = Sse2.LoadVector128(q);
                var v1 = Sse2.LoadVector128(q + 16);
                var lo0 = v0 & mask;
                var lo1 = v1 & mask;
                var hi0 = (v0.AsUInt16() >>> 4).AsByte() & mask;
                var hi1 = (v1.AsUInt16() >>> 4).AsByte() & mask;
                QuantMath.ScaleMinK4(2 * j, scales, out var sc, out var mn);
                acc = SubBlock(lo0, lo1, xp, d * sc, min * mn, acc);
                QuantMath.ScaleMinK4(2 * j + 1, scales, out sc, out mn);
                acc = SubBlock(hi0, hi1, xp + 32, d * sc, min * mn, acc);
            }
        }
        return Vector256.Sum(acc);
    }

    public static float Q6_K(byte* row, float* x, int n)
    {
        var acc = Vector256<float>.Zero;
        var low4 = Vector256.Create((byte)0x0F);
        var low2 = Vector256.Create((byte)0x03);
        var bias = Vector256.Create((sbyte)32);
        for (var i = 0; i < n / QuantMath.SuperBlock; i++)
        {
            var block = row + i * 210;
            var d = ReadHalf(block + 208);
            for (var h = 0; h < 2; h++)
            {
                var ql = block + 64 * h;
                var qh = Avx.LoadVector256(block + 128 + 32 * h);
                var sc = (sbyte*)(block + 192 + 8 * h);
                var xp = x + i * QuantMath.SuperBlock + 128 * h;
                var ql0 = Avx.LoadVector256(ql);
                var ql32 = Avx.LoadVector256(ql + 32);
                var q1 = (ql0 & low4) | ((qh & low2).AsUInt16() << 4).AsByte();
                var q2 = (ql32 & low4) | (((qh.AsUInt16() >>> 2).AsByte() & low2).AsUInt16() << 4).AsByte();
                var q3 = ((ql0.AsUInt16() >>> 4).AsByte() & low4) | (((qh.AsUInt16() >>> 4).AsByte() & low2).AsUInt16() << 4).AsByte();
                var q4 = ((ql32.AsUInt16() >>> 4).AsByte() & low4) | (((qh.AsUInt16() >>> 6).AsByte() & low2).AsUInt16() << 4).AsByte();
                acc = Signed32(q1.AsSByte() - bias, xp, d * sc[0], d * sc[1], acc);
                acc = Signed32(q2.AsSByte() - bias, xp + 32, d * sc[2], d * sc[3], acc);
                acc = Signed32(q3.AsSByte() - bias, xp + 64, d * sc[4], d * sc[5], acc);
                acc = Signed32(q4.AsSByte() - bias, xp + 96, d * sc[6], d * sc[7], acc);
            }
        }
        return Vector256.Sum(acc);
    }

    /// <summary>Adds scale * sum(q*x) - min * sum(x) over 32 unsigned levels (bytes 0..15 of each half).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> SubBlock(Vector128<byte> q0, Vector128<byte> q1, float* x, float scale, float min, Vector256<float> acc)
    {
        var x0 = Avx.LoadVector256(x);
        var x1 = Avx.LoadVector256(x + 8);
        var x2 = Avx.LoadVector256(x + 16);
        var x3 = Avx.LoadVector256(x + 24);
        var qx = ToFloat(Avx2.ConvertToVector256Int32(q0)) * x0;
        qx = Fma.MultiplyAdd(ToFloat(Avx2.ConvertToVector256Int32(Upper8(q0))), x1, qx);
        qx = Fma.MultiplyAdd(ToFloat(Avx2.ConvertToVector256Int32(q1)), x2, qx);
        qx = Fma.MultiplyAdd(ToFloat(Avx2.ConvertToVector256Int32(Upper8(q1))), x3, qx);
        var xs = (x0 + x1) + (x2 + x3);
        acc = Fma.MultiplyAdd(qx, Vector256.Create(scale), acc);
        return Fma.MultiplyAddNegated(xs, Vector256.Create(min), acc);
    }

    /// <summary>Adds scale0 * sum(q*x) over levels 0..15 and scale1 * sum(q*x) over levels 16..31.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Signed32(Vector256<sbyte> q, float* x, float scale0, float scale1, Vector256<float> acc)
    {
        var lower = q.GetLower();
        var upper = q.GetUpper();
        var s0 = ToFloat(Avx2.ConvertToVector256Int32(lower)) * Avx.LoadVector256(x);
        s0 = Fma.MultiplyAdd(ToFloat(Avx2.ConvertToVector256Int32(Upper8(lower))), Avx.LoadVector256(x + 8), s0);
        var s1 = ToFloat(Avx2.ConvertToVector256Int32(upper)) * Avx.LoadVector256(x + 16);
        s1 = Fma.MultiplyAdd(ToFloat(Avx2.ConvertToVector256Int32(Upper8(upper))), Avx.LoadVector256(x + 24), s1);
        acc = Fma.MultiplyAdd(s0, Vector256.Create(scale0), acc);
        return Fma.MultiplyAdd(s1, Vector256.Create(scale1), acc);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> ToFloat(Vector256<int> v) => Avx.ConvertToVector256Single(v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<T> Upper8<T>(Vector128<T> v)
        where T : unmanaged => Sse2.ShiftRightLogical128BitLane(v.AsByte(), 8).As<byte, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float ReadHalf(byte* p) => (float)Unsafe.ReadUnaligned<Half>(p);
}
