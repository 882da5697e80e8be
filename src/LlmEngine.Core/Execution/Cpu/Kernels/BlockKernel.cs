using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LlmEngine.Execution.Cpu.Kernels;

/// <summary>
/// Decoded 32-element-block weights (Q8_0, Q4_0, Q5_0) times Q8_0 activations: per block an exact int8 dot product
/// (llama.cpp's sign trick: |w| as the unsigned operand, x with w's sign as the signed one), then one float multiply-add
/// by the two scales. Four rows share each activation load.
/// </summary>
internal static unsafe class BlockKernel
{
    /// <summary><c>results[t * tokenStep + r] = row r · token (firstToken + t)</c> for every row of <paramref name="tile"/>.</summary>
    public static void Multiply<TDot>(DecodedWeightTile tile, QuantizedActivations activations, int firstToken, int tokens, float* results, int tokenStep)
        where TDot : struct, IInt8Dot
    {
        var blocks = tile.Columns / 32;
        var stride = tile.QuantStride;
        var scaleStride = stride / 32;
        var w = (sbyte*)tile.Quants;
        for (var t = 0; t < tokens; t++)
        {
            var xq = activations.BlockQuants(firstToken + t);
            var xd = activations.BlockScales(firstToken + t);
            var y = results + (long)t * tokenStep;
            var r = 0;
            for (; r + 4 <= tile.Rows; r += 4)
            {
                Rows4<TDot>(w + (long)r * stride, stride, tile.Scales + r * scaleStride, scaleStride, xq, xd, blocks, y + r);
            }
            for (; r < tile.Rows; r++)
            {
                y[r] = Row<TDot>(w + (long)r * stride, tile.Scales + r * scaleStride, xq, xd, blocks);
            }
        }
    }

    private static void Rows4<TDot>(sbyte* w, int stride, float* d, int scaleStride, sbyte* xq, float* xd, int blocks, float* y)
        where TDot : struct, IInt8Dot
    {
        sbyte* w0 = w, w1 = w + stride, w2 = w + 2 * stride, w3 = w + 3 * stride;
        float* d0 = d, d1 = d + scaleStride, d2 = d + 2 * scaleStride, d3 = d + 3 * scaleStride;
        Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
        for (var b = 0; b < blocks; b++)
        {
            var x = Vector256.Load(xq + 32 * b);
            var dx = xd[b];
            a0 = Step<TDot>(w0 + 32 * b, x, d0[b] * dx, a0);
            a1 = Step<TDot>(w1 + 32 * b, x, d1[b] * dx, a1);
            a2 = Step<TDot>(w2 + 32 * b, x, d2[b] * dx, a2);
            a3 = Step<TDot>(w3 + 32 * b, x, d3[b] * dx, a3);
        }
        y[0] = Vector256.Sum(a0);
        y[1] = Vector256.Sum(a1);
        y[2] = Vector256.Sum(a2);
        y[3] = Vector256.Sum(a3);
    }

    private static float Row<TDot>(sbyte* w, float* d, sbyte* xq, float* xd, int blocks)
        where TDot : struct, IInt8Dot
    {
        var acc = Vector256<float>.Zero;
        for (var b = 0; b < blocks; b++)
        {
            acc = Step<TDot>(w + 32 * b, Vector256.Load(xq + 32 * b), d[b] * xd[b], acc);
        }
        return Vector256.Sum(acc);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Step<TDot>(sbyte* w, Vector256<sbyte> x, float scale, Vector256<float> acc)
        where TDot : struct, IInt8Dot
    {
        var wv = Vector256.Load(w);
        var p = TDot.Bytes(Vector256<int>.Zero, Avx2.Abs(wv), Avx2.Sign(x, wv));
        return Fma.MultiplyAdd(Avx.ConvertToVector256Single(p), Vector256.Create(scale), acc);
    }
}
