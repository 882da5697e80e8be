using LlmEngine.Models;
using LlmEngine.Models.Gguf;
using LlmEngine.Models.Quantization;
using NUnit.Framework;

namespace LlmEngine.Tests.Quantization;

public class GgufWriterTests
{
    private string _dir = null!;

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("llmengine-gguf-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void EveryMetadataType_RoundTripsThroughGgufFile()
    {
        var writer = new GgufWriter();
        writer.Add("u8", GgufValueType.UInt8, (byte)200)
            .Add("i8", GgufValueType.Int8, (sbyte)-100)
            .Add("u16", GgufValueType.UInt16, (ushort)60000)
            .Add("i16", GgufValueType.Int16, (short)-30000)
            .AddUInt32("u32", 4_000_000_000)
            .AddInt32("i32", -2_000_000_000)
            .AddFloat32("f32", 1e-5f)
            .AddBool("bool", true)
            .AddString("string", "héllo ✓")
            .Add("u64", GgufValueType.UInt64, ulong.MaxValue)
            .Add("i64", GgufValueType.Int64, long.MinValue)
            .Add("f64", GgufValueType.Float64, Math.PI)
            .AddArray("arr.i32", new GgufArray(GgufValueType.Int32, new[] { 1, -2, 3 }))
            .AddArray("arr.f32", new GgufArray(GgufValueType.Float32, new[] { 0.5f, -0.25f }))
            .AddArray("arr.str", new GgufArray(GgufValueType.String, new[] { "a", "", "ü" }))
            .AddArray("arr.bool", new GgufArray(GgufValueType.Bool, new[] { true, false }))
            .AddArray("arr.u8", new GgufArray(GgufValueType.UInt8, new byte[] { 1, 2, 255 }))
            .AddArray("arr.empty", new GgufArray(GgufValueType.UInt64, Array.Empty<ulong>()))
            .AddArray("arr.nested", new GgufArray(GgufValueType.Array, new[]
            {
                new GgufArray(GgufValueType.Int16, new short[] { 7, -8 }),
                new GgufArray(GgufValueType.Array, new[] { new GgufArray(GgufValueType.String, new[] { "deep" }) }),
            }));
        var path = Path.Combine(_dir, "meta.gguf");
        writer.WriteTo(path);

        using var file = GgufFile.Open(path);
        var md = file.Metadata;
        Assert.That(file.Version, Is.EqualTo(3));
        Assert.That(file.Tensors, Is.Empty);
        Assert.That(md.GetValueType("u8"), Is.EqualTo(GgufValueType.UInt8));
        Assert.That(md.GetInteger("u8"), Is.EqualTo(200));
        Assert.That(md.GetInteger("i8"), Is.EqualTo(-100));
        Assert.That(md.GetInteger("u16"), Is.EqualTo(60000));
        Assert.That(md.GetInteger("i16"), Is.EqualTo(-30000));
        Assert.That(md.GetValueType("u32"), Is.EqualTo(GgufValueType.UInt32));
        Assert.That(md.GetInteger("u32"), Is.EqualTo(4_000_000_000));
        Assert.That(md.GetInteger("i32"), Is.EqualTo(-2_000_000_000));
        Assert.That(md.GetValueType("f32"), Is.EqualTo(GgufValueType.Float32));
        Assert.That(md.GetFloat("f32"), Is.EqualTo((double)1e-5f));
        Assert.That(md.GetBool("bool"), Is.True);
        Assert.That(md.GetString("string"), Is.EqualTo("héllo ✓"));
        Assert.That(md.TryGetValue("u64", out var u64) ? u64 : null, Is.EqualTo(ulong.MaxValue));
        Assert.That(md.GetInteger("i64"), Is.EqualTo(long.MinValue));
        Assert.That(md.GetFloat("f64"), Is.EqualTo(Math.PI));
        Assert.That(md.GetArray<int>("arr.i32"), Is.EqualTo(new[] { 1, -2, 3 }));
        Assert.That(md.GetArray<float>("arr.f32"), Is.EqualTo(new[] { 0.5f, -0.25f }));
        Assert.That(md.GetArray<string>("arr.str"), Is.EqualTo(new[] { "a", "", "ü" }));
        Assert.That(md.GetArray<bool>("arr.bool"), Is.EqualTo(new[] { true, false }));
        Assert.That(md.GetArray<byte>("arr.u8"), Is.EqualTo(new byte[] { 1, 2, 255 }));
        Assert.That(md.GetArray<ulong>("arr.empty"), Is.Empty);
        var nested = md.GetArray<GgufArray>("arr.nested")!;
        Assert.That(nested[0].Values, Is.EqualTo(new short[] { 7, -8 }));
        Assert.That(((GgufArray[])nested[1].Values)[0].Values, Is.EqualTo(new[] { "deep" }));
        Assert.That(md.GetValueType(GgufWriter.AlignmentKey), Is.EqualTo(GgufValueType.UInt32));
        Assert.That(md.Alignment, Is.EqualTo(32));
        Assert.That(md.Keys[0], Is.EqualTo("u8"), "metadata keeps insertion order");
    }

    [TestCase(32)]
    [TestCase(64)]
    public void Tensors_RoundTripAligned(int alignment)
    {
        var rng = new Random(alignment);
        var f32 = new float[3 * 5];
        var source = new float[2 * 256];
        for (var i = 0; i < f32.Length; i++)
        {
            f32[i] = (float)rng.NextDouble();
        }
        for (var i = 0; i < source.Length; i++)
        {
            source[i] = (float)(rng.NextDouble() - 0.5);
        }
        var tensors = new (string Name, GgmlType Type, long[] Shape, byte[] Bytes)[]
        {
            ("odd.f32", GgmlType.F32, [3, 5], Quantize(GgmlType.F32, f32)),
            ("w.f16", GgmlType.F16, [256, 2], Quantize(GgmlType.F16, source)),
            ("w.q8_0", GgmlType.Q8_0, [256, 2], Quantize(GgmlType.Q8_0, source)),
            ("w.q4_k", GgmlType.Q4_K, [256, 2], Quantize(GgmlType.Q4_K, source)),
            ("w.q6_k.3d", GgmlType.Q6_K, [256, 1, 2], Quantize(GgmlType.Q6_K, source)),
        };
        var writer = new GgufWriter(alignment);
        writer.AddString("general.architecture", "test");
        foreach (var (name, type, shape, bytes) in tensors)
        {
            // Stream in two pieces to exercise the callback path.
            writer.AddTensor(name, type, shape, s =>
            {
                s.Write(bytes, 0, bytes.Length / 2);
                s.Write(bytes, bytes.Length / 2, bytes.Length - bytes.Length / 2);
            });
        }
        var path = Path.Combine(_dir, $"tensors{alignment}.gguf");
        writer.WriteTo(path);

        using var file = GgufFile.Open(path);
        Assert.That(file.Metadata.Alignment, Is.EqualTo(alignment));
        Assert.That(file.DataOffset % alignment, Is.Zero);
        Assert.That(file.Tensors.Select(t => t.Name), Is.EqualTo(tensors.Select(t => t.Name)));
        foreach (var (name, type, shape, bytes) in tensors)
        {
            var info = file.FindTensor(name)!;
            Assert.That(info.Type, Is.EqualTo(type), name);
            Assert.That(info.Shape, Is.EqualTo(shape), name);
            Assert.That(info.Offset % alignment, Is.Zero, name);
            file.TryGetTensor(name, out var view);
            Assert.That(view.Bytes.ToArray(), Is.EqualTo(bytes), name);
        }
        Assert.That(file.FileLength % alignment, Is.Zero, "the last tensor is padded too");
    }

    [Test]
    public void Writer_RejectsBadInput()
    {
        var writer = new GgufWriter(64);
        writer.AddUInt32("a", 1);
        Assert.Throws<ArgumentException>(() => writer.AddUInt32("a", 2));
        Assert.Throws<ArgumentException>(() => writer.Add("b", GgufValueType.UInt32, 5));
        Assert.Throws<ArgumentException>(() => writer.AddArray("c", new GgufArray(GgufValueType.Int32, new uint[] { 1 })));
        Assert.Throws<ArgumentException>(() => writer.AddUInt32(GgufWriter.AlignmentKey, 32));
        Assert.Throws<ArgumentException>(() => writer.AddTensor("t", GgmlType.Q8_0, [16], ReadOnlyMemory<byte>.Empty));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new GgufWriter(48));

        writer.AddTensor("short", GgmlType.F32, [4], new byte[12]);
        var e = Assert.Throws<InvalidDataException>(() => writer.WriteTo(Stream.Null));
        Assert.That(e!.Message, Does.Contain("short").And.Contain("16"));
    }

    private static byte[] Quantize(GgmlType type, float[] values)
    {
        var bytes = new byte[GgmlTypeInfo.RowBytes(type, values.Length)];
        Quantizer.Quantize(type, values, bytes);
        return bytes;
    }
}
