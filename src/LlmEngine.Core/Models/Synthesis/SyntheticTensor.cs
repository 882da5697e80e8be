namespace LlmEngine.Models.Synthesis;

/// <summary>What a synthetic tensor's values are.</summary>
internal enum SyntheticTensorKind
{
    /// <summary>A weight matrix: N(0, 0.02).</summary>
    Matrix,

    /// <summary>A bias vector: N(0, 0.02).</summary>
    Bias,

    /// <summary>An RMS norm weight: 1 plus a little noise.</summary>
    Norm,

    /// <summary>Fixed values (rope frequency divisors).</summary>
    Constant,
}

/// <summary>One tensor of a synthetic model: its GGUF name, type, ggml shape and how its values are drawn.</summary>
internal sealed record SyntheticTensor(string Name, GgmlType Type, long[] Shape, SyntheticTensorKind Kind, float[]? Values = null)
{
    public long RowLength => Shape[0];

    public long RowCount => Shape.Length == 1 ? 1 : Shape[1];

    public long ElementCount => RowLength * RowCount;
}
