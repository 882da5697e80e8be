using LlmEngine.Models;
using LlmEngine.Models.Gguf;
using LlmEngine.Tests.HuggingFace;
using NUnit.Framework;

namespace LlmEngine.Tests.Robustness;

/// <summary>Hand-made corruptions the random fuzzer is unlikely to hit, each one a field a loader must not trust.</summary>
public class GgufCorruptionTests
{
    [Test]
    public void ValidBuilderOutput_Opens()
    {
        var file = Open(new GgufBytes().UInt32("general.alignment", 32).Tensor("w", GgmlType.F32, 0, 4, 2).Build(), out var path);
        using (file)
        {
            Assert.That(file.TryGetTensor("w", out var w), Is.True);
            Assert.That(w.ByteLength, Is.EqualTo(32));
        }
        File.Delete(path);
    }

    [TestCase(2147483647UL, 2147483647UL, 1UL, TestName = "ByteSizeOverflowsWhileElementCountDoesNot")]
    [TestCase(2147483647UL, 2147483647UL, 2147483647UL, TestName = "ElementCountOverflows")]
    [TestCase(1UL << 20, 1UL << 20, 1UL << 20, TestName = "HugeButRepresentableSize")]
    public void HugeTensorShapes_AreRejected(ulong d0, ulong d1, ulong d2)
    {
        AssertRejected(new GgufBytes().Tensor("w", GgmlType.F32, 0, d0, d1, d2).Build(), "'w'");
    }

    [Test]
    public void QuantizedSizeOverflow_IsRejected()
    {
        // Q8_0 stores 34 bytes per 32 elements: the element count fits in a long but the byte count does not.
        AssertRejected(new GgufBytes().Tensor("q", GgmlType.Q8_0, 0, 2147483616UL, 2147483647UL, 2UL).Build(), "'q'");
    }

    [Test]
    public void TensorOffsetPastTheData_IsRejected()
    {
        AssertRejected(new GgufBytes().Tensor("w", GgmlType.F32, 64, 4).Build(), "outside the data section");
    }

    [Test]
    public void StringLongerThanTheFile_IsRejected()
    {
        AssertRejected(new GgufBytes().Raw("general.name", GgufValueType.String, BitConverter.GetBytes(ulong.MaxValue)).Build(), "truncated");
    }

    [Test]
    public void ArrayCountLargerThanTheFile_IsRejected()
    {
        var value = new byte[12];
        BitConverter.GetBytes((uint)GgufValueType.String).CopyTo(value, 0);
        BitConverter.GetBytes(uint.MaxValue).CopyTo(value, 4);
        AssertRejected(new GgufBytes().Raw("tokenizer.ggml.tokens", GgufValueType.Array, value).Build(), "count");
    }

    [Test]
    public void InvalidUtf8_DecodesWithReplacementCharacters()
    {
        // llama.cpp does not validate metadata text either; replacing bad bytes keeps such files loadable.
        var file = Open(new GgufBytes().String("general.name", [0x66, 0xC3, 0x28, 0xFF]).Build(), out var path);
        using (file)
        {
            Assert.That(file.Metadata.Name, Is.EqualTo("f\uFFFD(\uFFFD"));
        }
        File.Delete(path);
    }

    private static GgufFile Open(byte[] bytes, out string path)
    {
        path = Path.Combine(Path.GetTempPath(), $"llmengine-gguf-{Guid.NewGuid():N}.gguf");
        File.WriteAllBytes(path, bytes);
        return GgufFile.Open(path);
    }

    private static void AssertRejected(byte[] bytes, string expected)
    {
        using var dir = new TempDirectory();
        var path = dir.File("bad.gguf");
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<ModelLoadException>(() =>
        {
            using var file = GgufFile.Open(path);
            foreach (var info in file.Tensors)
            {
                file.GetView(info).Bytes.Count((byte)0);
            }
        });
        Assert.That(e!.Message, Does.Contain(path).And.Contain(expected));
    }
}
