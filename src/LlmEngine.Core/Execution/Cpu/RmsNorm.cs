using System.Numerics.Tensors;

namespace LlmEngine.Execution.Cpu;

/// <summary>Root-mean-square layer norm: <c>y = x / sqrt(mean(x²) + eps) * weight</c>.</summary>
internal static class RmsNorm
{
    /// <summary>Normalizes <paramref name="x"/> into <paramref name="y"/> (they may be the same span).</summary>
    public static void Apply(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, Span<float> y, float epsilon)
    {
        var meanSquare = TensorPrimitives.SumOfSquares(x) / x.Length;
        var scale = 1f / MathF.Sqrt(meanSquare + epsilon);
        TensorPrimitives.Multiply(x, scale, y);
        TensorPrimitives.Multiply(y, weight, y);
    }
}
