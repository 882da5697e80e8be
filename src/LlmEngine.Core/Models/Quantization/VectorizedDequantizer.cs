using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LlmEngine.Models.Quantization;

/// <summary>
/// AVX2 dequantizers for the types the forward pass reads most (BF16, Q8_0, Q4_0, Q4_K, Q6_K). Every lane does the
/// same single-rounded multiply (and subtract) as the scalar reference, in the same order, so results are bit-exact.
/// Callers check <see cref="IsSupported"/> and validate lengths first.
/// </summary>
internal static unsafe class VectorizedDequantizer
{
    public static bool IsSupported => Avx2.IsSupported;

    public static void BF16(ReadOnlySpan<byte> source, Span<float> destination)
    {
        fixed (byte* s = source)
        fixed (float* y = destination)
        {
            var n = destination.Length;
            var i = 0;
            for (; i + 8 <= n; i += 8)
            {
                var widened = Avx2.ConvertToVector256Int32((ushort*)s + i);
                Avx2.ShiftLeftLogical(widened, 16).AsSingle().Store(y + i);
            }
            for (; i < n; i++)
            {
                y[i] = BitConverter.Int32BitsToSingle(((ushort*)s)[i] << 16);
            }
        }
    }

    public static void Q8_0(ReadOnlySpan<byte> source, Span<float> destination)
    {
        fixed (byte* s = source)
        fixed (float* y = destination)
        {
            var blocks = destination.Length / 32;
            for (var i = 0; i < blocks; i++)
            {
                var block = s + i * 34;
                var d = Vector256.Create(ReadHalf(block));
                var q = (sbyte*)(block + 2);
                var o = y + i * 32;
                for (var k = 0; k < 32; k += 8)
                {
                    (Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(q + k)) * d).Store(o + k);
                }
            }
        }
    }

    public static void Q4_0(ReadOnlySpan<byte> source, Span<float> destination)
    {
        fixed (byte* s = source)
        fixed (float* y = destination)
        {
            var blocks = destination.Length / 32;
            var mask = Vector128.Create((byte)0x0F);
            var eight = Vector256.Create(8);
            for (var i = 0; i < blocks; i++)
            {
                var block = s + i * 18;
                var d = Vector256.Create(ReadHalf(block));
                var q = Sse2.LoadVector128(block + 2);
                var lo = q & mask;
                var hi = (q.AsUInt16() >>> 4).AsByte() & mask;
                var o = y + i * 32;
                (ToFloat(Avx2.ConvertToVector256Int32(lo) - eight) * d).Store(o);
                (ToFloat(Avx2.ConvertToVector256Int32(Upper8(lo)) - eight) * d).Store(o + 8);
                (ToFloat(Avx2.ConvertToVector256Int32(hi) - eight) * d).Store(o + 16);
                (ToFloat(Avx2.ConvertToVector256Int32(Upper8(hi)) - eight) * d).Store(o + 24);
            }
        }
    }

    public static void Q4_K(ReadOnlySpan<byte> source, Span<float> destination)
    {
        fixed (byte* s = source)
        fixed (float* y = destination)
        {
            var blocks = destination.Length / QuantMath.SuperBlock;
            var mask = Vector128.Create((byte)0x0F);
            for (var i = 0; i < blocks; i++)
            {
                var block = new ReadOnlySpan<byte>(s + i * 144, 144);
                var d = ReadHalf(s + i * 144);
                var min = ReadHalf(s + i * 144 + 2);
                var scales = block.Slice(4, 12);
                for (var j = 0; j < 4; j++)
                {
                    QuantMath.ScaleMinK4(2 * j, scales, out var sc, out var mn);
                    var d1 = Vector256.Create(d * sc);
                    var m1 = Vector256.Create(min * mn);
                    QuantMath.ScaleMinK4(2 * j + 1, scales, out sc, out mn);
                    var d2 = Vector256.Create(d * sc);
                    var m2 = Vector256.Create(min * mn);
                    var q = s + i * 144 + 16 + 32 * j;
                    var o = y + i * QuantMath.SuperBlock + 64 * j;
                    for (var h = 0; h < 2; h++)
                    {
                        var v = Sse2.LoadVector128(q + 16 * h);
                        var lo = v & mask;
                        var hi = (v.AsUInt16() >>> 4).AsByte() & mask;
                        var ol = o + 16 * h;
                        (ToFloat(Avx2.ConvertToVector256Int32(lo)) * d1 - m1).Store(ol);
                        (ToFloat(Avx2.ConvertToVector256Int32(Upper8(lo))) * d1 - m1).Store(ol + 8);
                        (ToFloat(Avx2.ConvertToVector256Int32(hi)) * d2 - m2).Store(ol + 32);
                        (ToFloat(Avx2.ConvertToVector256Int32(Upper8(hi))) * d2 - m2).Store(ol + 40);
                    }
                }
            }
        }
    }

    public static void Q6_K(ReadOnlySpan<byte> source, Span<float> destination)
    {
        fixed (byte* s = source)
        fixed (float* y = destination)
        {
            var blocks = destination.Length / QuantMath.SuperBlock;
            var low4 = Vector256.Create((byte)0x0F);
            var low2 = Vector256.Create((byte)0x03);
            var bias = Vector256.Create((sbyte)32);
            for (var i = 0; i < blocks; i++)
            {
                var block = s + i * 210;
                var d = ReadHalf(block + 208);
                for (var n = 0; n < 2; n++)
                {
                    var ql = block + 64 * n;
                    var qh = Avx.LoadVector256(block + 128 + 32 * n);
                    var sc = (sbyte*)(block + 192 + 8 * n);
                    var o = y + i * QuantMath.SuperBlock + 128 * n;
                    var ql0 = Avx.LoadVector256(ql);
                    var ql32 = Avx.LoadVector256(ql + 32);
                    // Byte shifts go through 16-bit lanes; the masks drop what crossed from the neighbouring byte.
                    var q1 = (ql0 & low4) | ((qh & low2).AsUInt16() << 4).AsByte();
                    var q2 = (ql32 & low4) | (((qh.AsUInt16() >>> 2).AsByte() & low2).AsUInt16() << 4).AsByte();
                    var q3 = ((ql0.AsUInt16() >>> 4).AsByte() & low4) | (((qh.AsUInt16() >>> 4).AsByte() & low2).AsUInt16() << 4).AsByte();
                    var q4 = ((ql32.AsUInt16() >>> 4).AsByte() & low4) | (((qh.AsUInt16() >>> 6).AsByte() & low2).AsUInt16() << 4).AsByte();
                    Store32(q1.AsSByte() - bias, d * sc[0], d * sc[1], o);
                    Store32(q2.AsSByte() - bias, d * sc[2], d * sc[3], o + 32);
                    Store32(q3.AsSByte() - bias, d * sc[4], d * sc[5], o + 64);
                    Store32(q4.AsSByte() - bias, d * sc[6], d * sc[7], o + 96);
                }
            }
        }
    }

    /// <summary>Stores 32 signed levels times a scale per 16 (ggml's <c>(d*sc)*q</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store32(Vector256<sbyte> q, float scale0, float scale1, float* o)
    {
        var s0 = Vector256.Create(scale0);
        var s1 = Vector256.Create(scale1);
        var lower = q.GetLower();
        var upper = q.GetUpper();
        (ToFloat(Avx2.ConvertToVector256Int32(lower)) * s0).Store(o);
        (ToFloat(Avx2.ConvertToVector256Int32(Upper8(lower))) * s0).Store(o + 8);
        (ToFloat(Avx2.ConvertToVector256Int32(upper)) * s1).Store(o + 16);
        (ToFloat(Avx2.ConvertToVector256Int32(Upper8(upper))) * s1).Store(o + 24);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> ToFloat(Vector256<int> v) => Avx.ConvertToVector256Single(v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<T> Upper8<T>(Vector128<T> v)
        where T : unmanaged => Sse2.ShiftRightLogical128BitLane(v.AsByte(), 8).As<byte, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float ReadHalf(byte* p) => (float)Unsafe.ReadUnaligned<Half>(p);
}
