using System.Numerics.Tensors;

namespace LlmEngine.Execution.Cpu.Encoder;

/// <summary>Layer normalization as BERT uses it: <c>y = (x - mean) / sqrt(var + eps) * weight + bias</c>, with the biased variance.</summary>
internal static class LayerNorm
{
    /// <summary>Normalizes <paramref name="x"/> into <paramref name="y"/> (they may be the same span).</summary>
    public static void Apply(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> y, float epsilon)
    {
        var mean = TensorPrimitives.Sum(x) / x.Length;
        TensorPrimitives.Subtract(x, mean, y);
        var variance = TensorPrimitives.SumOfSquares(y) / x.Length;
        var scale = 1f / MathF.Sqrt(variance + epsilon);
        TensorPrimitives.Multiply(y, scale, y);
        TensorPrimitives.FusedMultiplyAdd(y, weight, bias, y);
    }
}
