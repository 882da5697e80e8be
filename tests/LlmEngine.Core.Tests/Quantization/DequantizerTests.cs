using LlmEngine.Models;
using LlmEngine.Models.Quantization;
using NUnit.Framework;

namespace LlmEngine.Tests.Quantization;

public class DequantizerTests
{
    private delegate void Kernel(ReadOnlySpan<byte> source, Span<float> destination);

    private static readonly string[] s_zooTypes =
        ["source", "f16", "bf16", "q4_0", "q4_1", "q5_0", "q5_1", "q8_0", "q2_k", "q3_k", "q4_k", "q5_k", "q6_k", "iq4_nl", "iq4_xs"];

    [TestCaseSource(nameof(s_zooTypes))]
    public void Dequantize_MatchesGgmlBitForBit(string name)
    {
        using var zoo = QuantZoo.Open();
        Assert.That(zoo.File.TryGetTensor(name, out var tensor), Is.True, name);
        Assert.That(Dequantizer.IsSupported(tensor.Type), Is.True);
        var actual = new float[tensor.ElementCount];
        Dequantizer.Dequantize(tensor.Type, tensor.Bytes, actual);
        AssertBitExact(actual, zoo.Expected(name), name);
    }

    [TestCaseSource(nameof(s_zooTypes))]
    public void Dequantize_RowByRow_MatchesWholeTensor(string name)
    {
        using var zoo = QuantZoo.Open();
        zoo.File.TryGetTensor(name, out var tensor);
        var row = new float[tensor.RowLength + 8];
        for (var r = 0; r < tensor.RowCount; r++)
        {
            Dequantizer.DequantizeRow(tensor, r, row);
            AssertBitExact(row.AsSpan(0, (int)tensor.RowLength), zoo.Expected(name).Slice((int)(r * tensor.RowLength), (int)tensor.RowLength), $"{name} row {r}");
        }
        Assert.Throws<ArgumentException>(() => Dequantizer.DequantizeRow(tensor, 0, new float[tensor.RowLength - 1]));
    }

    [TestCase("bf16")]
    [TestCase("q4_0")]
    [TestCase("q8_0")]
    [TestCase("q4_k")]
    [TestCase("q6_k")]
    public void ScalarAndVectorizedPaths_BothMatchGgml(string name)
    {
        using var zoo = QuantZoo.Open();
        zoo.File.TryGetTensor(name, out var tensor);
        var (scalar, vector) = Kernels(tensor.Type);
        var actual = new float[tensor.ElementCount];
        scalar(tensor.Bytes, actual);
        AssertBitExact(actual, zoo.Expected(name), name + " scalar");
        if (!VectorizedDequantizer.IsSupported)
        {
            Assert.Ignore("AVX2 is not available; only the scalar path was checked.");
        }
        Array.Clear(actual);
        vector(tensor.Bytes, actual);
        AssertBitExact(actual, zoo.Expected(name), name + " vectorized");
    }

    [TestCase(GgmlType.Q8_0)]
    [TestCase(GgmlType.Q4_0)]
    [TestCase(GgmlType.Q4_K)]
    [TestCase(GgmlType.Q6_K)]
    public void VectorizedPath_EqualsScalar_OnRandomBytesWithEdgeScales(GgmlType type)
    {
        if (!VectorizedDequantizer.IsSupported)
        {
            Assert.Ignore("AVX2 is not available.");
        }
        // Random blocks exercise every bit pattern of the quants; scales include zero, subnormal and negative halves.
        var blocks = 64;
        var bytes = new byte[blocks * GgmlTypeInfo.TypeSize(type)];
        new Random(7).NextBytes(bytes);
        var scaleOffsets = type switch
        {
            GgmlType.Q6_K => new[] { 208 },
            GgmlType.Q4_K => new[] { 0, 2 },
            _ => new[] { 0 },
        };
        ushort[] edgeHalves = [0x0000, 0x8000, 0x0001, 0x03FF, 0xBC00, 0x3C00];
        for (var b = 0; b < blocks; b++)
        {
            foreach (var off in scaleOffsets)
            {
                // Keep scales finite: a random half can be NaN or infinity, whose propagation is not under test.
                var h = b < edgeHalves.Length ? edgeHalves[b] : (ushort)(bytes[b * GgmlTypeInfo.TypeSize(type) + off] | 0x1000);
                h &= 0xBFFF;
                bytes[b * GgmlTypeInfo.TypeSize(type) + off] = (byte)h;
                bytes[b * GgmlTypeInfo.TypeSize(type) + off + 1] = (byte)(h >> 8);
            }
        }
        var n = blocks * GgmlTypeInfo.BlockSize(type);
        var expected = new float[n];
        var actual = new float[n];
        var (scalar, vector) = Kernels(type);
        scalar(bytes, expected);
        vector(bytes, actual);
        AssertBitExact(actual, expected, type.ToString());
    }

    [Test]
    public void Dequantize_RejectsPartialBlocksAndShortSources()
    {
        var bytes = new byte[34];
        Assert.Throws<ArgumentException>(() => Dequantizer.Dequantize(GgmlType.Q8_0, bytes, new float[16]));
        Assert.Throws<ArgumentException>(() => Dequantizer.Dequantize(GgmlType.Q8_0, bytes, new float[64]));
        Assert.Throws<NotSupportedException>(() => Dequantizer.Dequantize(GgmlType.IQ2_XXS, new byte[66], new float[256]));
        Assert.That(Dequantizer.IsSupported(GgmlType.IQ2_XXS), Is.False);
    }

    private static (Kernel Scalar, Kernel Vector) Kernels(GgmlType type) => type switch
    {
        GgmlType.BF16 => (Dequantizer.BF16, VectorizedDequantizer.BF16),
        GgmlType.Q4_0 => (LegacyDequantizer.Q4_0, VectorizedDequantizer.Q4_0),
        GgmlType.Q8_0 => (LegacyDequantizer.Q8_0, VectorizedDequantizer.Q8_0),
        GgmlType.Q4_K => (KQuantDequantizer.Q4_K, VectorizedDequantizer.Q4_K),
        GgmlType.Q6_K => (KQuantDequantizer.Q6_K, VectorizedDequantizer.Q6_K),
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    internal static void AssertBitExact(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected, string what)
    {
        Assert.That(actual.Length, Is.EqualTo(expected.Length), what);
        for (var i = 0; i < actual.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(actual[i]) != BitConverter.SingleToInt32Bits(expected[i]))
            {
                Assert.Fail($"{what}: element {i} is {actual[i]:R} (0x{BitConverter.SingleToInt32Bits(actual[i]):X8}), ggml gives {expected[i]:R} (0x{BitConverter.SingleToInt32Bits(expected[i]):X8})");
            }
        }
    }
}
