using LlmEngine.Models;
using LlmEngine.Models.Quantization;
using NUnit.Framework;

namespace LlmEngine.Tests.Quantization;

public class QuantizedMatMulTests
{
    private static readonly string[] s_zooTypes =
        ["source", "f16", "bf16", "q4_0", "q4_1", "q5_0", "q5_1", "q8_0", "q2_k", "q3_k", "q4_k", "q5_k", "q6_k", "iq4_nl", "iq4_xs"];

    [TestCaseSource(nameof(s_zooTypes))]
    public void MatVec_EqualsDequantizeThenDot(string name)
    {
        using var zoo = QuantZoo.Open();
        zoo.File.TryGetTensor(name, out var tensor);
        var x = RandomVector((int)tensor.RowLength, 11);
        var y = new float[tensor.RowCount];
        QuantizedMatMul.MatVec(tensor, x, y, 0, y.Length);
        var w = zoo.Expected(name);
        for (var r = 0; r < y.Length; r++)
        {
            var (exact, magnitude) = ExactDot(w.Slice(r * x.Length, x.Length), x);
            Assert.That(y[r], Is.EqualTo(exact).Within(1e-6 * magnitude + 1e-7), $"{name} row {r}");
        }
    }

    [TestCaseSource(nameof(s_zooTypes))]
    public void Dot_OverSeveralChunks_EqualsDequantizeThenDot(string name)
    {
        // Blocks are self-contained, so the tensor's bytes repeated three times read as one 6144-element row.
        using var zoo = QuantZoo.Open();
        zoo.File.TryGetTensor(name, out var tensor);
        var bytes = tensor.Bytes.ToArray();
        var row = bytes.Concat(bytes).Concat(bytes).ToArray();
        var values = zoo.Expected(name).ToArray();
        var weights = values.Concat(values).Concat(values).ToArray();
        var x = RandomVector(weights.Length, 5);
        var actual = QuantizedMatMul.Dot(tensor.Type, row, x);
        var (exact, magnitude) = ExactDot(weights, x);
        Assert.That(actual, Is.EqualTo(exact).Within(1e-6 * magnitude + 1e-7), name);
    }

    [Test]
    public void MatVec_WritesOnlyTheRequestedRows()
    {
        using var zoo = QuantZoo.Open();
        zoo.File.TryGetTensor("q4_k", out var tensor);
        var x = RandomVector(512, 3);
        var y = new float[] { -1, -1, -1, -1 };
        QuantizedMatMul.MatVec(tensor, x, y, 1, 3);
        Assert.That(y[0], Is.EqualTo(-1f));
        Assert.That(y[3], Is.EqualTo(-1f));
        Assert.That(y[1], Is.Not.EqualTo(-1f));
        Assert.That(y[2], Is.Not.EqualTo(-1f));
    }

    [Test]
    public void MatVec_RejectsMismatchedShapes()
    {
        using var zoo = QuantZoo.Open();
        zoo.File.TryGetTensor("q8_0", out var tensor);
        Assert.Throws<ArgumentException>(() => QuantizedMatMul.MatVec(tensor, new float[256], new float[4], 0, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => QuantizedMatMul.MatVec(tensor, new float[512], new float[4], 0, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => QuantizedMatMul.MatVec(tensor, new float[512], new float[2], 0, 4));
        Assert.Throws<NotSupportedException>(() => QuantizedMatMul.Dot(GgmlType.IQ2_XS, new byte[74], new float[256]));
    }

    private static float[] RandomVector(int n, int seed)
    {
        var rng = new Random(seed);
        var x = new float[n];
        for (var i = 0; i < n; i++)
        {
            x[i] = (float)(rng.NextDouble() * 2 - 1);
        }
        return x;
    }

    private static (double Dot, double Magnitude) ExactDot(ReadOnlySpan<float> w, ReadOnlySpan<float> x)
    {
        double dot = 0, magnitude = 0;
        for (var i = 0; i < x.Length; i++)
        {
            dot += (double)w[i] * x[i];
            magnitude += Math.Abs((double)w[i] * x[i]);
        }
        return (dot, magnitude);
    }
}
