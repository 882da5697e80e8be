using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace LlmEngine.Execution.Cpu;

/// <summary>
/// Register-blocked dot products for the matrix products: several weight rows against several token activations at
/// once, so each load feeds several multiply-adds. Every (row, token) pair follows the same arithmetic whichever
/// kernel computes it (one 8-wide FMA accumulator over the row, then the same reduction), so a token's results do not
/// depend on how many other tokens share its batch.
/// </summary>
internal static unsafe class DotKernels
{
    /// <summary>Whether the blocked kernels run (256-bit vectors with FMA); otherwise everything uses <see cref="TensorPrimitives.Dot(ReadOnlySpan{float}, ReadOnlySpan{float})"/>.</summary>
    public static bool IsAccelerated { get; } = Vector256.IsHardwareAccelerated && System.Runtime.Intrinsics.X86.Fma.IsSupported;

    /// <summary><c>y[r * yRowStep + t * yTokenStep] = w_r · x_t</c> for <paramref name="rows"/> rows and <paramref name="tokens"/> tokens.</summary>
    public static void Block(float* w, int wStride, int rows, float* x, int xStride, int tokens, int n, float* y, long yRowStep, long yTokenStep)
    {
        if (!IsAccelerated)
        {
            for (var r = 0; r < rows; r++)
            {
                for (var t = 0; t < tokens; t++)
                {
                    y[r * yRowStep + t * yTokenStep] = TensorPrimitives.Dot(new ReadOnlySpan<float>(w + (long)r * wStride, n), new ReadOnlySpan<float>(x + (long)t * xStride, n));
                }
            }
            return;
        }
        var r0 = 0;
        for (; r0 + 4 <= rows; r0 += 4)
        {
            var wr = w + (long)r0 * wStride;
            var t0 = 0;
            for (; t0 + 3 <= tokens; t0 += 3)
            {
                Dot4x3(wr, wStride, x + (long)t0 * xStride, xStride, n, y + r0 * yRowStep + t0 * yTokenStep, yRowStep, yTokenStep);
            }
            for (; t0 < tokens; t0++)
            {
                Dot4x1(wr, wStride, x + (long)t0 * xStride, n, y + r0 * yRowStep + t0 * yTokenStep, yRowStep);
            }
        }
        for (; r0 < rows; r0++)
        {
            for (var t = 0; t < tokens; t++)
            {
                y[r0 * yRowStep + t * yTokenStep] = Dot1x1(w + (long)r0 * wStride, x + (long)t * xStride, n);
            }
        }
    }

    private static float Dot1x1(float* w, float* x, int n)
    {
        var acc = Vector256<float>.Zero;
        var k = 0;
        for (; k + 8 <= n; k += 8)
        {
            acc = Vector256.FusedMultiplyAdd(Vector256.Load(w + k), Vector256.Load(x + k), acc);
        }
        return Finish(acc, w, x, k, n);
    }

    private static void Dot4x1(float* w, int wStride, float* x, int n, float* y, long yRowStep)
    {
        float* w0 = w, w1 = w + wStride, w2 = w + 2L * wStride, w3 = w + 3L * wStride;
        Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
        var k = 0;
        for (; k + 8 <= n; k += 8)
        {
            var xv = Vector256.Load(x + k);
            a0 = Vector256.FusedMultiplyAdd(Vector256.Load(w0 + k), xv, a0);
            a1 = Vector256.FusedMultiplyAdd(Vector256.Load(w1 + k), xv, a1);
            a2 = Vector256.FusedMultiplyAdd(Vector256.Load(w2 + k), xv, a2);
            a3 = Vector256.FusedMultiplyAdd(Vector256.Load(w3 + k), xv, a3);
        }
        y[0] = Finish(a0, w0, x, k, n);
        y[yRowStep] = Finish(a1, w1, x, k, n);
        y[2 * yRowStep] = Finish(a2, w2, x, k, n);
        y[3 * yRowStep] = Finish(a3, w3, x, k, n);
    }

    private static void Dot4x3(float* w, int wStride, float* x, int xStride, int n, float* y, long yRowStep, long yTokenStep)
    {
        float* w0 = w, w1 = w + wStride, w2 = w + 2L * wStride, w3 = w + 3L * wStride;
        float* x0 = x, x1 = x + xStride, x2 = x + 2L * xStride;
        Vector256<float> a00 = default, a01 = default, a02 = default, a10 = default, a11 = default, a12 = default;
        Vector256<float> a20 = default, a21 = default, a22 = default, a30 = default, a31 = default, a32 = default;
        var k = 0;
        for (; k + 8 <= n; k += 8)
        {
            var v0 = Vector256.Load(x0 + k);
            var v1 = Vector256.Load(x1 + k);
            var v2 = Vector256.Load(x2 + k);
            var wv = Vector256.Load(w0 + k);
            a00 = Vector256.FusedMultiplyAdd(wv, v0, a00);
            a01 = Vector256.FusedMultiplyAdd(wv, v1, a01);
            a02 = Vector256.FusedMultiplyAdd(wv, v2, a02);
            wv = Vector256.Load(w1 + k);
            a10 = Vector256.FusedMultiplyAdd(wv, v0, a10);
            a11 = Vector256.FusedMultiplyAdd(wv, v1, a11);
            a12 = Vector256.FusedMultiplyAdd(wv, v2, a12);
            wv = Vector256.Load(w2 + k);
            a20 = Vector256.FusedMultiplyAdd(wv, v0, a20);
            a21 = Vector256.FusedMultiplyAdd(wv, v1, a21);
            a22 = Vector256.FusedMultiplyAdd(wv, v2, a22);
            wv = Vector256.Load(w3 + k);
            a30 = Vector256.FusedMultiplyAdd(wv, v0, a30);
            a31 = Vector256.FusedMultiplyAdd(wv, v1, a31);
            a32 = Vector256.FusedMultiplyAdd(wv, v2, a32);
        }
        y[0] = Finish(a00, w0, x0, k, n);
        y[yTokenStep] = Finish(a01, w0, x1, k, n);
        y[2 * yTokenStep] = Finish(a02, w0, x2, k, n);
        y[yRowStep] = Finish(a10, w1, x0, k, n);
        y[yRowStep + yTokenStep] = Finish(a11, w1, x1, k, n);
        y[yRowStep + 2 * yTokenStep] = Finish(a12, w1, x2, k, n);
        y[2 * yRowStep] = Finish(a20, w2, x0, k, n);
        y[2 * yRowStep + yTokenStep] = Finish(a21, w2, x1, k, n);
        y[2 * yRowStep + 2 * yTokenStep] = Finish(a22, w2, x2, k, n);
        y[3 * yRowStep] = Finish(a30, w3, x0, k, n);
        y[3 * yRowStep + yTokenStep] = Finish(a31, w3, x1, k, n);
        y[3 * yRowStep + 2 * yTokenStep] = Finish(a32, w3, x2, k, n);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Finish(Vector256<float> acc, float* w, float* x, int k, int n)
    {
        var sum = Vector256.Sum(acc);
        for (; k < n; k++)
        {
            sum += w[k] * x[k];
        }
        return sum;
    }
}
