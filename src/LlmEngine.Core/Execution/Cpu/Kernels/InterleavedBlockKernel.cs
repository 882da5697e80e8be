using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LlmEngine.Execution.Cpu.Kernels;

/// <summary>
/// Eight block rows (Q8_0, Q4_0, Q5_0) times several tokens with AVX-VNNI, for prompts: the rows are interleaved
/// (<see cref="DecodedWeightTile.Interleave"/>) so that one <c>VPDPBUSD</c> adds four products to each of the eight
/// rows' sums, and after a block's eight steps lane j holds row j's whole block dot product: no horizontal sums, and
/// one float multiply-add per block serves eight rows. The activations enter as unsigned bytes (x + 128); the
/// weights' sums, precomputed per row and block, take the offset back out. Up to four tokens share each weight load.
/// </summary>
internal static unsafe class InterleavedBlockKernel
{
    /// <summary><c>results[t * tokenStep + r] = row r · token (firstToken + t)</c>; writes all eight rows (padding rows give 0).</summary>
    public static void Multiply(DecodedWeightTile tile, QuantizedActivations activations, int firstToken, int tokens, float* results, int tokenStep)
    {
        var blocks = tile.Columns / 32;
        var t = 0;
        for (; t + 4 <= tokens; t += 4)
        {
            Tokens4(tile.Interleaved, blocks, activations, firstToken + t, results + (long)t * tokenStep, tokenStep);
        }
        for (; t < tokens; t++)
        {
            Token(tile.Interleaved, blocks, activations, firstToken + t, results + (long)t * tokenStep);
        }
    }

    private static void Tokens4(byte* w, int blocks, QuantizedActivations activations, int token, float* y, int tokenStep)
    {
        var x0 = (byte*)activations.BlockUnsigned(token);
        var x1 = (byte*)activations.BlockUnsigned(token + 1);
        var x2 = (byte*)activations.BlockUnsigned(token + 2);
        var x3 = (byte*)activations.BlockUnsigned(token + 3);
        float* d0 = activations.BlockScales(token), d1 = activations.BlockScales(token + 1);
        float* d2 = activations.BlockScales(token + 2), d3 = activations.BlockScales(token + 3);
        Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
        for (var b = 0; b < blocks; b++)
        {
            var block = w + (long)b * DecodedWeightTile.InterleavedBlockBytes;
            var correction = Vector256.Load((int*)(block + 256));
            Vector256<int> i0 = correction, i1 = correction, i2 = correction, i3 = correction;
            var o = 32 * b;
            for (var k = 0; k < 8; k++)
            {
                var wv = Vector256.Load((sbyte*)block + 32 * k);
                i0 = AvxVnni.MultiplyWideningAndAdd(i0, Broadcast(x0 + o + 4 * k), wv);
                i1 = AvxVnni.MultiplyWideningAndAdd(i1, Broadcast(x1 + o + 4 * k), wv);
                i2 = AvxVnni.MultiplyWideningAndAdd(i2, Broadcast(x2 + o + 4 * k), wv);
                i3 = AvxVnni.MultiplyWideningAndAdd(i3, Broadcast(x3 + o + 4 * k), wv);
            }
            var scales = Vector256.Load((float*)(block + 288));
            a0 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(i0), scales * Vector256.Create(d0[b]), a0);
            a1 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(i1), scales * Vector256.Create(d1[b]), a1);
            a2 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(i2), scales * Vector256.Create(d2[b]), a2);
            a3 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(i3), scales * Vector256.Create(d3[b]), a3);
        }
        a0.Store(y);
        a1.Store(y + tokenStep);
        a2.Store(y + 2L * tokenStep);
        a3.Store(y + 3L * tokenStep);
    }

    private static void Token(byte* w, int blocks, QuantizedActivations activations, int token, float* y)
    {
        var x = (byte*)activations.BlockUnsigned(token);
        var d = activations.BlockScales(token);
        var acc = Vector256<float>.Zero;
        for (var b = 0; b < blocks; b++)
        {
            var block = w + (long)b * DecodedWeightTile.InterleavedBlockBytes;
            var i = Vector256.Load((int*)(block + 256));
            for (var k = 0; k < 8; k++)
            {
                i = AvxVnni.MultiplyWideningAndAdd(i, Broadcast(x + 32 * b + 4 * k), Vector256.Load((sbyte*)block + 32 * k));
            }
            acc = Fma.MultiplyAdd(Avx.ConvertToVector256Single(i), Vector256.Load((float*)(block + 288)) * Vector256.Create(d[b]), acc);
        }
        acc.Store(y);
    }

    /// <summary>Four activation bytes repeated in every 32-bit lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<byte> Broadcast(byte* x) => Vector256.Create(Unsafe.ReadUnaligned<int>(x)).AsByte();
}
