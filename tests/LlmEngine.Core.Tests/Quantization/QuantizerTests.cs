using LlmEngine.Models;
using LlmEngine.Models.Quantization;
using NUnit.Framework;

namespace LlmEngine.Tests.Quantization;

public class QuantizerTests
{
    private static readonly string[] s_quantizable = ["f16", "bf16", "q4_0", "q4_1", "q5_0", "q5_1", "q8_0", "q4_k", "q5_k", "q6_k"];

    [TestCaseSource(nameof(s_quantizable))]
    public void Quantize_Source_GivesGgmlsBytes(string name)
    {
        using var zoo = QuantZoo.Open();
        zoo.File.TryGetTensor(name, out var expected);
        Assert.That(Quantizer.IsSupported(expected.Type), Is.True);
        var actual = new byte[expected.ByteLength];
        Quantizer.Quantize(expected.Type, zoo.Source, actual);
        var want = expected.Bytes;
        var blockBytes = GgmlTypeInfo.TypeSize(expected.Type);
        for (var i = 0; i < actual.Length; i++)
        {
            if (actual[i] != want[i])
            {
                Assert.Fail($"{name}: byte {i} (block {i / blockBytes}, offset {i % blockBytes}) is 0x{actual[i]:X2}, ggml wrote 0x{want[i]:X2}");
            }
        }
    }

    [TestCase(GgmlType.Q8_0)]
    [TestCase(GgmlType.Q4_0)]
    [TestCase(GgmlType.Q4_K)]
    [TestCase(GgmlType.Q5_K)]
    [TestCase(GgmlType.Q6_K)]
    public void Quantize_ZerosAndConstants_RoundTripWithoutNaN(GgmlType type)
    {
        // All-zero and constant blocks take ggml's degenerate branches (zero scale, max == min).
        var n = 512;
        var x = new float[n];
        for (var i = n / 2; i < n; i++)
        {
            x[i] = 0.25f;
        }
        var bytes = new byte[GgmlTypeInfo.RowBytes(type, n)];
        Quantizer.Quantize(type, x, bytes);
        var back = new float[n];
        Dequantizer.Dequantize(type, bytes, back);
        for (var i = 0; i < n; i++)
        {
            Assert.That(back[i], Is.EqualTo(x[i]).Within(0.25f * 0.1f), $"element {i}");
        }
    }

    [Test]
    public void Quantize_RejectsUnsupportedTypesAndBadLengths()
    {
        Assert.Throws<NotSupportedException>(() => Quantizer.Quantize(GgmlType.Q2_K, new float[256], new byte[84]));
        Assert.Throws<ArgumentException>(() => Quantizer.Quantize(GgmlType.Q8_0, new float[48], new byte[68]));
        Assert.Throws<ArgumentException>(() => Quantizer.Quantize(GgmlType.Q8_0, new float[64], new byte[67]));
    }
}
