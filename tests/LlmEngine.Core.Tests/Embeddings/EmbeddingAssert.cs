using System.Numerics.Tensors;
using NUnit.Framework;

namespace LlmEngine.Tests.Embeddings;

/// <summary>Vector comparisons for the embedding tests.</summary>
internal static class EmbeddingAssert
{
    /// <summary>Asserts every element of <paramref name="actual"/> is within <paramref name="tolerance"/> of <paramref name="expected"/>.</summary>
    public static void Close(ReadOnlySpan<float> actual, ReadOnlySpan<double> expected, double tolerance, string what)
    {
        Assert.That(actual.Length, Is.EqualTo(expected.Length), what + ": length");
        var worst = 0.0;
        var at = -1;
        for (var i = 0; i < actual.Length; i++)
        {
            var difference = Math.Abs(actual[i] - expected[i]);
            if (!(difference <= worst))
            {
                worst = difference;
                at = i;
            }
        }
        Assert.That(worst, Is.LessThan(tolerance), $"{what}: element {at} is {(at < 0 ? 0 : actual[at])}, expected {(at < 0 ? 0 : expected[at])}");
    }

    /// <summary>As <see cref="Close(ReadOnlySpan{float}, ReadOnlySpan{double}, double, string)"/> for two float vectors.</summary>
    public static void Close(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected, double tolerance, string what)
    {
        var widened = new double[expected.Length];
        for (var i = 0; i < expected.Length; i++)
        {
            widened[i] = expected[i];
        }
        Close(actual, widened, tolerance, what);
    }

    /// <summary><paramref name="v"/> scaled to unit L2 norm, in double.</summary>
    public static double[] Normalized(IReadOnlyList<double> v)
    {
        var norm = Math.Sqrt(v.Sum(x => x * x));
        return v.Select(x => x / norm).ToArray();
    }

    /// <summary>Asserts a vector has unit L2 norm.</summary>
    public static void UnitNorm(ReadOnlySpan<float> v, string what) =>
        Assert.That(TensorPrimitives.Norm(v), Is.EqualTo(1f).Within(1e-5f), what + ": norm");
}
