using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LlmEngine.Execution.Cpu.Kernels;

/// <summary>
/// Q8_0, Q4_0 and Q5_0 rows times Q8_0 activations read straight from the (memory-mapped) ggml blocks, as llama.cpp's
/// <c>ggml_vec_dot_q8_0_q8_0</c> and <c>ggml_vec_dot_q4_0_q8_0</c> do, for decode: a row is used once per step, so
/// unpacking it into scratch first (<see cref="DecodedWeightTile"/>) only adds a write and a read. Per block an exact
/// int8 dot product, then one float multiply-add by the two scales.
/// Q8_0 uses the sign trick (|w| unsigned, x with w's sign); Q4_0's levels are already unsigned (0..15), so the block
/// multiplies them as they are and takes 8·Σx back out, saving the sign instructions; Q5_0 likewise with its fifth bit
/// spread into the levels (0..31) and 16·Σx.
/// </summary>
internal static unsafe class InPlaceBlockKernel
{
    private const int Q8_0Bytes = 34;
    private const int Q4_0Bytes = 18;
    private const int Q5_0Bytes = 22;

    /// <summary><c>y[r] = row r · x</c> for <paramref name="rows"/> Q8_0 rows of <paramref name="columns"/>, the first at <paramref name="first"/>.</summary>
    public static void Q8_0<TDot>(byte* first, long rowBytes, int rows, int columns, sbyte* xq, float* xd, float* y)
        where TDot : struct, IInt8Dot
    {
        // One row at a time: a Q8_0 row is almost all the bytes it costs, and a single forward stream is what the
        // hardware prefetcher serves best when the matrix comes from memory (four interleaved rows measured slower).
        var blocks = columns / 32;
        for (var r = 0; r < rows; r++)
        {
            var w = first + r * rowBytes;
            Vector256<float> a0 = default, a1 = default;
            var b = 0;
            for (; b + 2 <= blocks; b += 2)
            {
                a0 = Q8_0Step<TDot>(w + b * Q8_0Bytes, Vector256.Load(xq + 32 * b), xd[b], a0);
                a1 = Q8_0Step<TDot>(w + (b + 1) * Q8_0Bytes, Vector256.Load(xq + 32 * b + 32), xd[b + 1], a1);
            }
            if (b < blocks)
            {
                a0 = Q8_0Step<TDot>(w + b * Q8_0Bytes, Vector256.Load(xq + 32 * b), xd[b], a0);
            }
            y[r] = Vector256.Sum(a0 + a1);
        }
    }

    /// <summary><c>y[r] = row r · x</c> for <paramref name="rows"/> Q4_0 rows of <paramref name="columns"/>, the first at <paramref name="first"/>.</summary>
    public static void Q4_0<TDot>(byte* first, long rowBytes, int rows, int columns, sbyte* xq, float* xd, float* y)
        where TDot : struct, IInt8Dot =>
        OffsetLevels<TDot, Q4_0Layout>(first, rowBytes, rows, columns, xq, xd, y);

    /// <summary><c>y[r] = row r · x</c> for <paramref name="rows"/> Q5_0 rows of <paramref name="columns"/>, the first at <paramref name="first"/>.</summary>
    public static void Q5_0<TDot>(byte* first, long rowBytes, int rows, int columns, sbyte* xq, float* xd, float* y)
        where TDot : struct, IInt8Dot =>
        OffsetLevels<TDot, Q5_0Layout>(first, rowBytes, rows, columns, xq, xd, y);

    // Blocks whose weights are unsigned levels minus a constant (Q4_0: 0..15 - 8; Q5_0: 0..31 - 16): the levels are
    // multiplied as they are and Offset·Σx, shared by the four rows of a group, is taken back out.
    private static void OffsetLevels<TDot, TLayout>(byte* first, long rowBytes, int rows, int columns, sbyte* xq, float* xd, float* y)
        where TDot : struct, IInt8Dot
        where TLayout : struct, IOffsetLevelLayout
    {
        var blocks = columns / 32;
        var offsetLevel = Vector256.Create((byte)TLayout.Offset);
        var r = 0;
        for (; r + 4 <= rows; r += 4)
        {
            byte* w0 = first + r * rowBytes, w1 = w0 + rowBytes, w2 = w1 + rowBytes, w3 = w2 + rowBytes;
            Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
            for (var b = 0; b < blocks; b++)
            {
                var x = Vector256.Load(xq + 32 * b);
                var offset = Vector256<int>.Zero - TDot.Bytes(Vector256<int>.Zero, offsetLevel, x);
                var dx = xd[b];
                var o = b * TLayout.BlockBytes;
                if ((b & 1) == 0)
                {
                    // Four rows are four streams; fetching each a few lines ahead keeps them all in flight.
                    Prefetch(w0 + o, w1 + o, w2 + o, w3 + o);
                }
                a0 = OffsetStep<TDot, TLayout>(w0 + o, x, offset, dx, a0);
                a1 = OffsetStep<TDot, TLayout>(w1 + o, x, offset, dx, a1);
                a2 = OffsetStep<TDot, TLayout>(w2 + o, x, offset, dx, a2);
                a3 = OffsetStep<TDot, TLayout>(w3 + o, x, offset, dx, a3);
            }
            y[r] = Vector256.Sum(a0);
            y[r + 1] = Vector256.Sum(a1);
            y[r + 2] = Vector256.Sum(a2);
            y[r + 3] = Vector256.Sum(a3);
        }
        for (; r < rows; r++)
        {
            var w = first + r * rowBytes;
            var acc = Vector256<float>.Zero;
            for (var b = 0; b < blocks; b++)
            {
                var x = Vector256.Load(xq + 32 * b);
                var offset = Vector256<int>.Zero - TDot.Bytes(Vector256<int>.Zero, offsetLevel, x);
                acc = OffsetStep<TDot, TLayout>(w + b * TLayout.BlockBytes, x, offset, xd[b], acc);
            }
            y[r] = Vector256.Sum(acc);
        }
    }

    private const int PrefetchDistance = 1536;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Prefetch(byte* w0, byte* w1, byte* w2, byte* w3)
    {
        Sse.Prefetch0(w0 + PrefetchDistance);
        Sse.Prefetch0(w1 + PrefetchDistance);
        Sse.Prefetch0(w2 + PrefetchDistance);
        Sse.Prefetch0(w3 + PrefetchDistance);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Q8_0Step<TDot>(byte* block, Vector256<sbyte> x, float dx, Vector256<float> acc)
        where TDot : struct, IInt8Dot
    {
        var w = Vector256.Load((sbyte*)(block + 2));
        var p = TDot.Bytes(Vector256<int>.Zero, Avx2.Abs(w), Avx2.Sign(x, w));
        return Fma.MultiplyAdd(Avx.ConvertToVector256Single(p), Vector256.Create(HalfBits.Read(block) * dx), acc);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> OffsetStep<TDot, TLayout>(byte* block, Vector256<sbyte> x, Vector256<int> offset, float dx, Vector256<float> acc)
        where TDot : struct, IInt8Dot
        where TLayout : struct, IOffsetLevelLayout
    {
        var p = TDot.Bytes(offset, TLayout.Levels(block), x);
        return Fma.MultiplyAdd(Avx.ConvertToVector256Single(p), Vector256.Create(HalfBits.Read(block) * dx), acc);
    }

    private interface IOffsetLevelLayout
    {
        static abstract int BlockBytes { get; }

        static abstract int Offset { get; }

        /// <summary>The block's 32 levels, element j in byte j.</summary>
        static abstract Vector256<byte> Levels(byte* block);
    }

    private readonly struct Q4_0Layout : IOffsetLevelLayout
    {
        public static int BlockBytes => Q4_0Bytes;

        public static int Offset => 8;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<byte> Levels(byte* block)
        {
            // Byte j of the 16 holds element j in its low nibble and element j + 16 in its high one.
            var packed = Vector128.Load(block + 2);
            var mask = Vector128.Create((byte)0x0F);
            return Vector256.Create(packed & mask, Sse2.ShiftRightLogical(packed.AsUInt16(), 4).AsByte() & mask);
        }
    }

    private readonly struct Q5_0Layout : IOffsetLevelLayout
    {
        public static int BlockBytes => Q5_0Bytes;

        public static int Offset => 16;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<byte> Levels(byte* block)
        {
            // Scale (2 bytes), then 32 fifth bits (bit j for element j), then the nibbles laid out as in Q4_0.
            var packed = Vector128.Load(block + 6);
            var mask = Vector128.Create((byte)0x0F);
            var low = Vector256.Create(packed & mask, Sse2.ShiftRightLogical(packed.AsUInt16(), 4).AsByte() & mask);
            // Spread bit j of the 32 to byte j: byte j takes high-bits byte j / 8, then tests bit j % 8.
            var bits = Vector256.Create(Unsafe.ReadUnaligned<uint>(block + 2)).AsByte();
            var spread = Avx2.Shuffle(bits, SpreadControl);
            var high = Vector256.Equals(spread & BitSelect, BitSelect) & Vector256.Create((byte)0x10);
            return low | high;
        }

        private static Vector256<byte> SpreadControl => Vector256.Create(
            (byte)0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1,
            2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3);

        private static Vector256<byte> BitSelect => Vector256.Create(
            (byte)1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128,
            1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128);
    }
}
