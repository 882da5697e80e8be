using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace LlmEngine.Execution.Cpu.Encoder;

/// <summary>
/// The exact GELU of Transformers' <c>"gelu"</c> activation, <c>x / 2 * (1 + erf(x / sqrt 2))</c>. .NET has no erf, so it
/// uses Abramowitz and Stegun's 7.1.26 (absolute error at most 1.5e-7, below float32 rounding of the result), eight
/// lanes at a time. llama.cpp evaluates BERT with the tanh approximation instead, which differs by up to about 1e-3.
/// </summary>
internal static class Gelu
{
    private const float InverseSqrt2 = 0.70710678118654752f;
    private const float P = 0.3275911f;
    private const float A1 = 0.254829592f;
    private const float A2 = -0.284496736f;
    private const float A3 = 1.421413741f;
    private const float A4 = -1.453152027f;
    private const float A5 = 1.061405429f;

    /// <summary>Applies GELU to every element of <paramref name="x"/> in place.</summary>
    public static void Apply(Span<float> x)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref var start = ref MemoryMarshal.GetReference(x);
            for (; i + 8 <= x.Length; i += 8)
            {
                Vector(Vector256.LoadUnsafe(ref start, (nuint)i)).StoreUnsafe(ref start, (nuint)i);
            }
        }
        for (; i < x.Length; i++)
        {
            x[i] = Scalar(x[i]);
        }
    }

    /// <summary>GELU of one value.</summary>
    public static float Scalar(float x)
    {
        var a = MathF.Abs(x) * InverseSqrt2;
        var t = 1f / (1f + P * a);
        var poly = ((((A5 * t + A4) * t + A3) * t + A2) * t + A1) * t;
        var erf = 1f - poly * MathF.Exp(-a * a);
        return 0.5f * x * (1f + (x < 0 ? -erf : erf));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Vector(Vector256<float> x)
    {
        var a = Vector256.Abs(x) * Vector256.Create(InverseSqrt2);
        var t = Vector256<float>.One / (Vector256<float>.One + Vector256.Create(P) * a);
        var poly = Vector256.Create(A5) * t + Vector256.Create(A4);
        poly = poly * t + Vector256.Create(A3);
        poly = poly * t + Vector256.Create(A2);
        poly = poly * t + Vector256.Create(A1);
        poly *= t;
        var erf = Vector256<float>.One - poly * Vector256.Exp(-(a * a));
        var signed = Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<float>.Zero), -erf, erf);
        return Vector256.Create(0.5f) * x * (Vector256<float>.One + signed);
    }
}
