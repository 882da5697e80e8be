using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using LlmEngine.Models;
using LlmEngine.Models.Safetensors;
using LlmEngine.Tests.Infrastructure;
using NUnit.Framework;

namespace LlmEngine.Tests.HuggingFace;

public class SafetensorsFileTests
{
    [Test]
    public void WrittenFile_ReadsBackEveryTypeShapeAndByte()
    {
        using var dir = new TempDirectory();
        var floats = Enumerable.Range(0, 12).Select(i => i * 0.5f - 2f).ToArray();
        var halves = Enumerable.Range(0, 6).Select(i => (Half)(i - 3)).ToArray();
        var bf16 = new byte[] { 0x80, 0x3F, 0x00, 0x40, 0x40, 0x40, 0x80, 0xBF };
        var longs = new long[] { 1, -2, 3 };
        var writer = new SafetensorsWriter();
        writer.Metadata["format"] = "pt";
        writer.Add(TensorData.FromFloats("a.weight", [4, 3], floats))
            .Add(TensorData.FromBytes("b.weight", GgmlType.F16, [6], MemoryMarshal.AsBytes(halves.AsSpan()).ToArray()))
            .Add(TensorData.FromWriter("c.weight", GgmlType.BF16, [2, 2], s => s.Write(bf16)))
            .Add(TensorData.FromBytes("d.ids", GgmlType.I64, [3], MemoryMarshal.AsBytes(longs.AsSpan()).ToArray()));
        var path = dir.File("model.safetensors");
        writer.WriteTo(path);

        using var file = SafetensorsFile.Open(path);
        Assert.That(file.DataOffset % 8, Is.Zero, "data section aligned");
        Assert.That(file.Metadata, Is.EqualTo(new Dictionary<string, string> { ["format"] = "pt" }));
        Assert.That(file.Tensors.Select(t => t.Name), Is.EqualTo(new[] { "a.weight", "b.weight", "c.weight", "d.ids" }));

        Assert.That(file.TryGetTensor("a.weight", out var a), Is.True);
        Assert.That(a.Type, Is.EqualTo(GgmlType.F32));
        Assert.That(a.Shape, Is.EqualTo(new long[] { 4, 3 }));
        Assert.That(MemoryMarshal.Cast<byte, float>(a.Bytes).ToArray(), Is.EqualTo(floats));
        Assert.That(a.Row(1).Length, Is.EqualTo(16));

        Assert.That(file.TryGetTensor("b.weight", out var b), Is.True);
        Assert.That(b.Type, Is.EqualTo(GgmlType.F16));
        Assert.That(MemoryMarshal.Cast<byte, Half>(b.Bytes).ToArray(), Is.EqualTo(halves));

        Assert.That(file.TryGetTensor("c.weight", out var c), Is.True);
        Assert.That(c.Type, Is.EqualTo(GgmlType.BF16));
        Assert.That(c.Bytes.ToArray(), Is.EqualTo(bf16));

        var d = file.FindTensor("d.ids")!;
        Assert.That(d.DType, Is.EqualTo("I64"));
        Assert.That(d.Type, Is.Null);
        var e = Assert.Throws<ModelLoadException>(() => file.TryGetTensor("d.ids", out _));
        Assert.That(e!.Message, Does.Contain(path).And.Contain("d.ids").And.Contain("I64"));
        Assert.That(file.TryGetTensor("missing", out _), Is.False);
    }

    [Test]
    public void HeaderStoresRowMajorShapes()
    {
        using var dir = new TempDirectory();
        var path = dir.File("m.safetensors");
        new SafetensorsWriter().Add(TensorData.FromFloats("w", [3, 2], new float[6])).WriteTo(path);
        var bytes = File.ReadAllBytes(path);
        var headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        var header = Encoding.UTF8.GetString(bytes, 8, headerLength);
        Assert.That(header, Does.Contain("\"shape\":[2,3]").And.Contain("\"data_offsets\":[0,24]"));
    }

    [Test]
    public void RealCheckpoint_OpensWithHuggingFaceShapesReversed()
    {
        using var file = SafetensorsFile.Open(TestData.File("archs/hf/tiny-qwen3/model.safetensors"));
        var q = file.FindTensor("model.layers.0.self_attn.q_proj.weight")!;
        // Stored [out = 4 heads * 48, in = 128]; ggml order puts the input (contiguous) dimension first.
        Assert.That(q.Shape, Is.EqualTo(new long[] { 128, 192 }));
        Assert.That(q.Type, Is.EqualTo(GgmlType.F32));
        Assert.That(file.Tensors.Sum(t => t.ByteLength), Is.EqualTo(file.FileLength - file.DataOffset));
    }

    [TestCase("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,16]}}", "truncated or corrupt", TestName = "OffsetsPastTheEnd")]
    [TestCase("{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", "3 elements", TestName = "ShapeDisagreesWithOffsets")]
    [TestCase("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}", "does not lie", TestName = "OffsetsReversed")]
    [TestCase("{\"w\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", "non-negative", TestName = "NegativeDimension")]
    [TestCase("{\"w\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296,4294967296],\"data_offsets\":[0,8]}}", "overflows", TestName = "ShapeOverflow")]
    [TestCase("{\"w\":{\"shape\":[2],\"data_offsets\":[0,8]}}", "dtype", TestName = "NoDtype")]
    [TestCase("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0]}}", "data_offsets", TestName = "OneOffset")]
    [TestCase("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", "twice", TestName = "DuplicateName")]
    [TestCase("[1,2]", "not an object", TestName = "HeaderNotAnObject")]
    [TestCase("{\"__metadata__\":[1]}", "__metadata__", TestName = "MetadataNotAnObject")]
    [TestCase("{\"w\":{\"dtype\":\"F32\",\n\"shape\":[2,}}", "line 2", TestName = "MalformedJsonNamesThePosition")]
    public void CorruptHeader_ThrowsModelLoadExceptionNamingFileAndProblem(string header, string expected)
    {
        using var dir = new TempDirectory();
        var path = dir.File("bad.safetensors");
        File.WriteAllBytes(path, Build(header, new byte[8]));
        var e = Assert.Throws<ModelLoadException>(() => SafetensorsFile.Open(path));
        Assert.That(e!.Message, Does.Contain(path).And.Contain(expected));
    }

    [Test]
    public void HeaderLength_IsBoundedByTheLimitAndTheFile()
    {
        using var dir = new TempDirectory();
        var path = dir.File("bad.safetensors");
        var bytes = Build("{}", []);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, SafetensorsFile.MaxHeaderLength + 1);
        File.WriteAllBytes(path, bytes);
        Assert.That(Assert.Throws<ModelLoadException>(() => SafetensorsFile.Open(path))!.Message, Does.Contain("limit"));

        BinaryPrimitives.WriteUInt64LittleEndian(bytes, 1000);
        File.WriteAllBytes(path, bytes);
        Assert.That(Assert.Throws<ModelLoadException>(() => SafetensorsFile.Open(path))!.Message, Does.Contain("truncated"));

        File.WriteAllBytes(path, new byte[5]);
        Assert.That(Assert.Throws<ModelLoadException>(() => SafetensorsFile.Open(path))!.Message, Does.Contain("truncated"));
    }

    [Test]
    public void MissingFile_ThrowsModelLoadException()
    {
        using var dir = new TempDirectory();
        var path = dir.File("none.safetensors");
        Assert.That(Assert.Throws<ModelLoadException>(() => SafetensorsFile.Open(path))!.Message, Does.Contain(path));
    }

    private static byte[] Build(string header, byte[] data)
    {
        var json = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + json.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)json.Length);
        json.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + json.Length);
        return bytes;
    }
}
