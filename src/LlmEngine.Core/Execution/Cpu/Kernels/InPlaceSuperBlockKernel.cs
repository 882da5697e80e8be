using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LlmEngine.Execution.Cpu.Kernels;

/// <summary>
/// Q4_K and Q6_K rows times Q8_K activations read straight from the (memory-mapped) ggml super-blocks, as llama.cpp's
/// <c>ggml_vec_dot_q4_K_q8_K</c> and <c>ggml_vec_dot_q6_K_q8_K</c> do, for decode. The levels are unpacked in registers,
/// <c>VPMADDUBSW</c> multiplies them by the activations into 16-bit pair sums, the sub-block scales multiply those in
/// the 32-bit accumulate, and the levels' offsets (Q4_K's minimums, Q6_K's -32) come from the activations' 16-element
/// sums; one float multiply-add per 256 elements. Two rows share each activation load.
/// </summary>
internal static unsafe class InPlaceSuperBlockKernel
{
    private const int Q4_KBytes = 144;
    private const int Q6_KBytes = 210;

    /// <summary><c>y[r] = row r · x</c> for <paramref name="rows"/> Q4_K rows of <paramref name="columns"/>, the first at <paramref name="first"/>.</summary>
    public static void Q4_K<TDot>(byte* first, long rowBytes, int rows, int columns, sbyte* xq, float* xd, short* sums, float* y)
        where TDot : struct, IInt8Dot
    {
        var superBlocks = columns / 256;
        var r = 0;
        for (; r + 2 <= rows; r += 2)
        {
            byte* w0 = first + r * rowBytes, w1 = w0 + rowBytes;
            Vector256<float> a0 = default, a1 = default;
            Vector128<float> m0 = default, m1 = default;
            for (var b = 0; b < superBlocks; b++)
            {
                var x = xq + 256 * b;
                // Σx over each 32-element sub-block, the unit Q4_K's minimums apply to.
                var pairSums = Ssse3.HorizontalAdd(Vector128.Load(sums + 16 * b), Vector128.Load(sums + 16 * b + 8));
                Q4_KSuperBlock<TDot>(w0 + b * Q4_KBytes, x, pairSums, xd[b], ref a0, ref m0);
                Q4_KSuperBlock<TDot>(w1 + b * Q4_KBytes, x, pairSums, xd[b], ref a1, ref m1);
            }
            y[r] = Vector256.Sum(a0) - Vector128.Sum(m0);
            y[r + 1] = Vector256.Sum(a1) - Vector128.Sum(m1);
        }
        for (; r < rows; r++)
        {
            var w = first + r * rowBytes;
            Vector256<float> a = default;
            Vector128<float> m = default;
            for (var b = 0; b < superBlocks; b++)
            {
                var pairSums = Ssse3.HorizontalAdd(Vector128.Load(sums + 16 * b), Vector128.Load(sums + 16 * b + 8));
                Q4_KSuperBlock<TDot>(w + b * Q4_KBytes, xq + 256 * b, pairSums, xd[b], ref a, ref m);
            }
            y[r] = Vector256.Sum(a) - Vector128.Sum(m);
        }
    }

    /// <summary><c>y[r] = row r · x</c> for <paramref name="rows"/> Q6_K rows of <paramref name="columns"/>, the first at <paramref name="first"/>.</summary>
    public static void Q6_K<TDot>(byte* first, long rowBytes, int rows, int columns, sbyte* xq, float* xd, short* sums, float* y)
        where TDot : struct, IInt8Dot
    {
        var superBlocks = columns / 256;
        var r = 0;
        for (; r + 2 <= rows; r += 2)
        {
            byte* w0 = first + r * rowBytes, w1 = w0 + rowBytes;
            Vector256<float> a0 = default, a1 = default;
            for (var b = 0; b < superBlocks; b++)
            {
                var x = xq + 256 * b;
                var s = Vector256.Load(sums + 16 * b);
                a0 = Q6_KSuperBlock<TDot>(w0 + b * Q6_KBytes, x, s, xd[b], a0);
                a1 = Q6_KSuperBlock<TDot>(w1 + b * Q6_KBytes, x, s, xd[b], a1);
            }
            y[r] = Vector256.Sum(a0);
            y[r + 1] = Vector256.Sum(a1);
        }
        for (; r < rows; r++)
        {
            var w = first + r * rowBytes;
            var a = Vector256<float>.Zero;
            for (var b = 0; b < superBlocks; b++)
            {
                a = Q6_KSuperBlock<TDot>(w + b * Q6_KBytes, xq + 256 * b, Vector256.Load(sums + 16 * b), xd[b], a);
            }
            y[r] = Vector256.Sum(a);
        }
    }

    /// <summary>
    /// One Q4_K super-block (d, dmin, 12 bytes of 6-bit scales and minimums, 128 bytes of nibbles): adds
    /// d·dx·Σ scale·level·x to <paramref name="acc"/> and dmin·dx·Σ min·Σx to <paramref name="minAcc"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Q4_KSuperBlock<TDot>(byte* block, sbyte* x, Vector128<short> pairSums, float dx, ref Vector256<float> acc, ref Vector128<float> minAcc)
        where TDot : struct, IInt8Dot
    {
        // llama.cpp's unpacking of the twelve bytes into eight scale bytes and eight minimum bytes.
        const uint low6 = 0x3f3f3f3f, low4 = 0x0f0f0f0f, low2 = 0x03030303;
        var u0 = Unsafe.ReadUnaligned<uint>(block + 4);
        var u1 = Unsafe.ReadUnaligned<uint>(block + 8);
        var u2 = Unsafe.ReadUnaligned<uint>(block + 12);
        var scales = (ulong)(u0 & low6) | ((ulong)((u2 & low4) | (((u0 >> 6) & low2) << 4)) << 32);
        var mins = (ulong)(u1 & low6) | ((ulong)(((u2 >> 4) & low4) | (((u1 >> 6) & low2) << 4)) << 32);
        var minProducts = Sse2.MultiplyAddAdjacent(Sse41.ConvertToVector128Int16(Vector128.CreateScalar(mins).AsByte()), pairSums);
        minAcc = Fma.MultiplyAdd(Sse2.ConvertToVector128Single(minProducts), Vector128.Create(HalfBits.Read(block + 2) * dx), minAcc);

        var scales16 = Sse41.ConvertToVector128Int16(Vector128.CreateScalar(scales).AsByte());
        var pattern = Vector256.Create(scales16, scales16).AsByte();
        // Unrolled so that every shuffle control is a constant.
        var sum = Q4_KPair<TDot>(block + 16, x, pattern, Vector256<int>.Zero, 0);
        sum = Q4_KPair<TDot>(block + 48, x + 64, pattern, sum, 1);
        sum = Q4_KPair<TDot>(block + 80, x + 128, pattern, sum, 2);
        sum = Q4_KPair<TDot>(block + 112, x + 192, pattern, sum, 3);
        acc = Fma.MultiplyAdd(Avx.ConvertToVector256Single(sum), Vector256.Create(HalfBits.Read(block) * dx), acc);
    }

    /// <summary>
    /// One Q6_K super-block (128 bytes of low nibbles, 64 of high bit pairs, 16 signed scales, d): d·dx·Σ scale·(level − 32)·x
    /// added to <paramref name="acc"/>, the −32 taken out through the 16-element sums.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Q6_KSuperBlock<TDot>(byte* block, sbyte* x, Vector256<short> sums, float dx, Vector256<float> acc)
        where TDot : struct, IInt8Dot
    {
        var scales = Vector128.Load((sbyte*)(block + 192));
        var offsets = Avx2.MultiplyAddAdjacent(Avx2.ShiftLeftLogical(Avx2.ConvertToVector256Int16(scales), 5), sums);
        // Each half's eight group scales in both 128-bit lanes, so that in-lane shuffles with constant controls pick them.
        var scales16 = Avx2.ConvertToVector256Int16(scales).AsInt64();
        var sum = Q6_KHalf<TDot>(block, block + 128, x, Avx2.Permute4x64(scales16, 0b01_00_01_00).AsByte(), Vector256<int>.Zero - offsets);
        sum = Q6_KHalf<TDot>(block + 64, block + 160, x + 128, Avx2.Permute4x64(scales16, 0b11_10_11_10).AsByte(), sum);
        return Fma.MultiplyAdd(Avx.ConvertToVector256Single(sum), Vector256.Create(HalfBits.Read(block + 208) * dx), acc);
    }

    /// <summary>Q4_K: 64 elements (32 bytes of nibbles), sub-blocks 2j (low nibbles) and 2j + 1 (high) with their scales from <paramref name="pattern"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Q4_KPair<TDot>(byte* nibbles, sbyte* x, Vector256<byte> pattern, Vector256<int> sum, int j)
        where TDot : struct, IInt8Dot
    {
        var mask = Vector256.Create((byte)0x0F);
        var q = Vector256.Load(nibbles);
        var low = q & mask;
        var high = Avx2.ShiftRightLogical(q.AsUInt16(), 4).AsByte() & mask;
        var lowScale = Avx2.Shuffle(pattern, Vector256.Create((short)(4 * j | ((4 * j + 1) << 8))).AsByte()).AsInt16();
        var highScale = Avx2.Shuffle(pattern, Vector256.Create((short)((4 * j + 2) | ((4 * j + 3) << 8))).AsByte()).AsInt16();
        sum = TDot.Shorts(sum, Avx2.MultiplyAddAdjacent(low, Vector256.Load(x)), lowScale);
        return TDot.Shorts(sum, Avx2.MultiplyAddAdjacent(high, Vector256.Load(x + 32)), highScale);
    }

    /// <summary>
    /// Q6_K: 128 elements (64 bytes of low nibbles at <paramref name="ql"/>, 32 of bit pairs at <paramref name="qh"/>),
    /// with the half's eight group scales as shorts in both lanes of <paramref name="scales"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Q6_KHalf<TDot>(byte* ql, byte* qh, sbyte* x, Vector256<byte> scales, Vector256<int> sum)
        where TDot : struct, IInt8Dot
    {
        var low4 = Vector256.Create((byte)0x0F);
        var high2 = Vector256.Create((byte)0x30);
        var ql0 = Vector256.Load(ql);
        var ql32 = Vector256.Load(ql + 32);
        var h = Vector256.Load(qh).AsUInt16();
        // Levels of elements 32v, v = 0..3: four bits from ql, two from qh (bits 2v, 2v + 1) moved to bits 4-5.
        var q0 = (ql0 & low4) | (Avx2.ShiftLeftLogical(h, 4).AsByte() & high2);
        var q1 = (ql32 & low4) | (Avx2.ShiftLeftLogical(h, 2).AsByte() & high2);
        var q2 = (Avx2.ShiftRightLogical(ql0.AsUInt16(), 4).AsByte() & low4) | (h.AsByte() & high2);
        var q3 = (Avx2.ShiftRightLogical(ql32.AsUInt16(), 4).AsByte() & low4) | (Avx2.ShiftRightLogical(h, 2).AsByte() & high2);
        sum = TDot.Shorts(sum, Avx2.MultiplyAddAdjacent(q0, Vector256.Load(x)), GroupScales(scales, 0));
        sum = TDot.Shorts(sum, Avx2.MultiplyAddAdjacent(q1, Vector256.Load(x + 32)), GroupScales(scales, 1));
        sum = TDot.Shorts(sum, Avx2.MultiplyAddAdjacent(q2, Vector256.Load(x + 64)), GroupScales(scales, 2));
        return TDot.Shorts(sum, Avx2.MultiplyAddAdjacent(q3, Vector256.Load(x + 96)), GroupScales(scales, 3));
    }

    /// <summary>Q6_K: 32 elements' two group scales (shorts 2v and 2v + 1 of the half) as eight shorts each, low lane then high.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<short> GroupScales(Vector256<byte> scales, int v) =>
        Avx2.Shuffle(scales, Vector256.Create(Vector128.Create((short)(4 * v | ((4 * v + 1) << 8))), Vector128.Create((short)((4 * v + 2) | ((4 * v + 3) << 8)))).AsByte()).AsInt16();
}
