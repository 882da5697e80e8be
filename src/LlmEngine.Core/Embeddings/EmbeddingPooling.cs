using System.Numerics.Tensors;

namespace LlmEngine.Embeddings;

/// <summary>The arithmetic after the forward pass: pooling hidden-state rows, Matryoshka truncation and L2 normalization.</summary>
internal static class EmbeddingPooling
{
    /// <summary>Below this norm a vector is left as it is rather than blown up (PyTorch's <c>F.normalize</c> epsilon).</summary>
    private const float NormEpsilon = 1e-12f;

    /// <summary>Which token rows of a sequence of <paramref name="length"/> tokens starting at <paramref name="first"/> the pooling reads.</summary>
    public static (int FirstRow, int Rows) RowsFor(PoolingType pooling, int first, int length) => pooling switch
    {
        PoolingType.Last => (first + length - 1, 1),
        PoolingType.Cls => (first, 1),
        PoolingType.Mean => (first, length),
        _ => throw new ArgumentOutOfRangeException(nameof(pooling), pooling, "Not a PoolingType value."),
    };

    /// <summary>The average of <paramref name="rows"/> rows of <paramref name="width"/> floats (one row is copied as is).</summary>
    public static float[] Average(ReadOnlySpan<float> rows, int count, int width)
    {
        var result = rows[..width].ToArray();
        for (var r = 1; r < count; r++)
        {
            TensorPrimitives.Add(result, rows.Slice(r * width, width), result);
        }
        if (count > 1)
        {
            TensorPrimitives.Multiply(result, 1f / count, result);
        }
        return result;
    }

    /// <summary>The first <paramref name="dimensions"/> values of <paramref name="pooled"/>, L2-normalized when <paramref name="normalize"/>.</summary>
    public static float[] Finish(float[] pooled, int dimensions, bool normalize)
    {
        var result = dimensions == pooled.Length ? pooled : pooled[..dimensions];
        if (normalize)
        {
            var norm = TensorPrimitives.Norm(result);
            TensorPrimitives.Multiply(result, 1f / Math.Max(norm, NormEpsilon), result);
        }
        return result;
    }
}
