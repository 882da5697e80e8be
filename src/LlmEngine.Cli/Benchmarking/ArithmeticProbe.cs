using System.Numerics;
using System.Runtime.Intrinsics;

namespace LlmEngine.Cli.Benchmarking;

/// <summary>
/// Measures FP32 fused multiply-add peak, the ceiling of prompt processing: each thread keeps twelve independent
/// accumulator chains in registers (enough to cover the FMA latency on two pipes) and never touches memory.
/// </summary>
internal static class ArithmeticProbe
{
    private static float s_sink;

    /// <summary>FP32 operations per second (an FMA counts as two) of <paramref name="threads"/> threads together.</summary>
    public static ProbeRate Measure(int threads, long iterations = 20_000_000, int repetitions = 3)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(repetitions, 1);
        var lanes = Vector512.IsHardwareAccelerated ? Vector512<float>.Count : Vector<float>.Count;
        var best = default(ProbeRate);
        for (var r = 0; r < repetitions; r++)
        {
            var (wall, cpu) = ParallelProbe.Run(threads, _ => Volatile.Write(ref s_sink, Vector512.IsHardwareAccelerated ? Chains512(iterations) : ChainsVector(iterations)));
            best = best.Max(ProbeRate.Of(iterations * 12.0 * lanes * 2 * threads, wall, cpu, threads));
        }
        return best;
    }

    private static float Chains512(long iterations)
    {
        var m = Vector512.Create(0.9999999f);
        var c = Vector512.Create(1e-7f);
        Vector512<float> a0 = Vector512.Create(1.00f), a1 = Vector512.Create(1.01f), a2 = Vector512.Create(1.02f), a3 = Vector512.Create(1.03f);
        Vector512<float> a4 = Vector512.Create(1.04f), a5 = Vector512.Create(1.05f), a6 = Vector512.Create(1.06f), a7 = Vector512.Create(1.07f);
        Vector512<float> a8 = Vector512.Create(1.08f), a9 = Vector512.Create(1.09f), a10 = Vector512.Create(1.10f), a11 = Vector512.Create(1.11f);
        for (long i = 0; i < iterations; i++)
        {
            a0 = Vector512.FusedMultiplyAdd(a0, m, c);
            a1 = Vector512.FusedMultiplyAdd(a1, m, c);
            a2 = Vector512.FusedMultiplyAdd(a2, m, c);
            a3 = Vector512.FusedMultiplyAdd(a3, m, c);
            a4 = Vector512.FusedMultiplyAdd(a4, m, c);
            a5 = Vector512.FusedMultiplyAdd(a5, m, c);
            a6 = Vector512.FusedMultiplyAdd(a6, m, c);
            a7 = Vector512.FusedMultiplyAdd(a7, m, c);
            a8 = Vector512.FusedMultiplyAdd(a8, m, c);
            a9 = Vector512.FusedMultiplyAdd(a9, m, c);
            a10 = Vector512.FusedMultiplyAdd(a10, m, c);
            a11 = Vector512.FusedMultiplyAdd(a11, m, c);
        }
        return Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }

    private static float ChainsVector(long iterations)
    {
        var m = new Vector<float>(0.9999999f);
        var c = new Vector<float>(1e-7f);
        Vector<float> a0 = new(1.00f), a1 = new(1.01f), a2 = new(1.02f), a3 = new(1.03f), a4 = new(1.04f), a5 = new(1.05f);
        Vector<float> a6 = new(1.06f), a7 = new(1.07f), a8 = new(1.08f), a9 = new(1.09f), a10 = new(1.10f), a11 = new(1.11f);
        for (long i = 0; i < iterations; i++)
        {
            a0 = Vector.FusedMultiplyAdd(a0, m, c);
            a1 = Vector.FusedMultiplyAdd(a1, m, c);
            a2 = Vector.FusedMultiplyAdd(a2, m, c);
            a3 = Vector.FusedMultiplyAdd(a3, m, c);
            a4 = Vector.FusedMultiplyAdd(a4, m, c);
            a5 = Vector.FusedMultiplyAdd(a5, m, c);
            a6 = Vector.FusedMultiplyAdd(a6, m, c);
            a7 = Vector.FusedMultiplyAdd(a7, m, c);
            a8 = Vector.FusedMultiplyAdd(a8, m, c);
            a9 = Vector.FusedMultiplyAdd(a9, m, c);
            a10 = Vector.FusedMultiplyAdd(a10, m, c);
            a11 = Vector.FusedMultiplyAdd(a11, m, c);
        }
        return Vector.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }
}
