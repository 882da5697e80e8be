using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LlmEngine.Execution.Cpu.Kernels;

/// <summary>
/// Decoded k-quant weights (Q4_K, Q5_K, Q6_K) times Q8_K activations. Within a 256-element super-block everything stays
/// integer: <c>VPMADDUBSW</c> multiplies levels by activations into 16-bit pair sums, the sub-block scales multiply those
/// in the 32-bit accumulate (<c>VPDPWSSD</c>, or <c>VPMADDWD</c> + add), and the minimums come from the activation
/// sums; only then is the super-block converted to float and scaled. Four rows share each activation load.
/// </summary>
internal static unsafe class SuperBlockKernel
{
    /// <summary><c>results[t * tokenStep + r] = row r · token (firstToken + t)</c> for every row of <paramref name="tile"/>.</summary>
    public static void Multiply<TDot>(DecodedWeightTile tile, QuantizedActivations activations, int firstToken, int tokens, float* results, int tokenStep)
        where TDot : struct, IInt8Dot
    {
        var superBlocks = tile.Columns / 256;
        for (var t = 0; t < tokens; t++)
        {
            var token = firstToken + t;
            var y = results + (long)t * tokenStep;
            var r = 0;
            for (; r + 4 <= tile.Rows; r += 4)
            {
                Rows4<TDot>(tile, r, activations.SuperQuants(token), activations.SuperScales(token), activations.SuperSums(token), superBlocks, y + r);
            }
            for (; r < tile.Rows; r++)
            {
                y[r] = Row<TDot>(tile, r, activations.SuperQuants(token), activations.SuperScales(token), activations.SuperSums(token), superBlocks);
            }
        }
    }

    private static void Rows4<TDot>(DecodedWeightTile tile, int firstRow, sbyte* xq, float* xd, short* sums, int superBlocks, float* y)
        where TDot : struct, IInt8Dot
    {
        var stride = tile.QuantStride;
        var q = tile.Quants + (long)firstRow * stride;
        var p = tile.Patterns + (long)firstRow * stride;
        var c = tile.Coefficients + firstRow * (stride / 16);
        var d = tile.Scales + firstRow * (stride / 256);
        var m = tile.MinScales + firstRow * (stride / 256);
        int cs = stride / 16, ds = stride / 256;
        Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
        for (var b = 0; b < superBlocks; b++)
        {
            var x = xq + 256 * b;
            var x0 = Vector256.Load(x);
            var x1 = Vector256.Load(x + 32);
            var x2 = Vector256.Load(x + 64);
            var x3 = Vector256.Load(x + 96);
            var x4 = Vector256.Load(x + 128);
            var x5 = Vector256.Load(x + 160);
            var x6 = Vector256.Load(x + 192);
            var x7 = Vector256.Load(x + 224);
            var bs = Vector256.Load(sums + 16 * b);
            var dx = xd[b];
            var o = 256 * b;
            var po = 128 * b;
            a0 = SuperBlock<TDot>(q + o, p + po, c + 16 * b, d[b] * dx, m[b] * dx, x0, x1, x2, x3, x4, x5, x6, x7, bs, a0);
            a1 = SuperBlock<TDot>(q + stride + o, p + stride + po, c + cs + 16 * b, d[ds + b] * dx, m[ds + b] * dx, x0, x1, x2, x3, x4, x5, x6, x7, bs, a1);
            a2 = SuperBlock<TDot>(q + 2 * stride + o, p + 2 * stride + po, c + 2 * cs + 16 * b, d[2 * ds + b] * dx, m[2 * ds + b] * dx, x0, x1, x2, x3, x4, x5, x6, x7, bs, a2);
            a3 = SuperBlock<TDot>(q + 3 * stride + o, p + 3 * stride + po, c + 3 * cs + 16 * b, d[3 * ds + b] * dx, m[3 * ds + b] * dx, x0, x1, x2, x3, x4, x5, x6, x7, bs, a3);
        }
        y[0] = Vector256.Sum(a0);
        y[1] = Vector256.Sum(a1);
        y[2] = Vector256.Sum(a2);
        y[3] = Vector256.Sum(a3);
    }

    private static float Row<TDot>(DecodedWeightTile tile, int row, sbyte* xq, float* xd, short* sums, int superBlocks)
        where TDot : struct, IInt8Dot
    {
        var stride = tile.QuantStride;
        var q = tile.Quants + (long)row * stride;
        var p = tile.Patterns + (long)row * stride;
        var c = tile.Coefficients + row * (stride / 16);
        var d = tile.Scales + row * (stride / 256);
        var m = tile.MinScales + row * (stride / 256);
        var acc = Vector256<float>.Zero;
        for (var b = 0; b < superBlocks; b++)
        {
            var x = xq + 256 * b;
            acc = SuperBlock<TDot>(q + 256 * b, p + 128 * b, c + 16 * b, d[b] * xd[b], m[b] * xd[b],
                Vector256.Load(x), Vector256.Load(x + 32), Vector256.Load(x + 64), Vector256.Load(x + 96),
                Vector256.Load(x + 128), Vector256.Load(x + 160), Vector256.Load(x + 192), Vector256.Load(x + 224),
                Vector256.Load(sums + 16 * b), acc);
        }
        return Vector256.Sum(acc);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> SuperBlock<TDot>(byte* q, short* p, short* coefficients, float scale, float minScale,
        Vector256<sbyte> x0, Vector256<sbyte> x1, Vector256<sbyte> x2, Vector256<sbyte> x3,
        Vector256<sbyte> x4, Vector256<sbyte> x5, Vector256<sbyte> x6, Vector256<sbyte> x7, Vector256<short> sums, Vector256<float> acc)
        where TDot : struct, IInt8Dot
    {
        var i = TDot.Shorts(Vector256<int>.Zero, Avx2.MultiplyAddAdjacent(Vector256.Load(q), x0), Vector256.Load(p));
        i = TDot.Shorts(i, Avx2.MultiplyAddAdjacent(Vector256.Load(q + 32), x1), Vector256.Load(p + 16));
        i = TDot.Shorts(i, Avx2.MultiplyAddAdjacent(Vector256.Load(q + 64), x2), Vector256.Load(p + 32));
        i = TDot.Shorts(i, Avx2.MultiplyAddAdjacent(Vector256.Load(q + 96), x3), Vector256.Load(p + 48));
        i = TDot.Shorts(i, Avx2.MultiplyAddAdjacent(Vector256.Load(q + 128), x4), Vector256.Load(p + 64));
        i = TDot.Shorts(i, Avx2.MultiplyAddAdjacent(Vector256.Load(q + 160), x5), Vector256.Load(p + 80));
        i = TDot.Shorts(i, Avx2.MultiplyAddAdjacent(Vector256.Load(q + 192), x6), Vector256.Load(p + 96));
        i = TDot.Shorts(i, Avx2.MultiplyAddAdjacent(Vector256.Load(q + 224), x7), Vector256.Load(p + 112));
        var mins = Avx2.MultiplyAddAdjacent(Vector256.Load(coefficients), sums);
        acc = Fma.MultiplyAdd(Avx.ConvertToVector256Single(i), Vector256.Create(scale), acc);
        return Fma.MultiplyAddNegated(Avx.ConvertToVector256Single(mins), Vector256.Create(minScale), acc);
    }
}
