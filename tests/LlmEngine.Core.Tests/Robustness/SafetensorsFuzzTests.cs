using System.Runtime.InteropServices;
using LlmEngine.Models;
using LlmEngine.Models.HuggingFace;
using LlmEngine.Models.Safetensors;
using LlmEngine.Tests.HuggingFace;
using NUnit.Framework;

namespace LlmEngine.Tests.Robustness;

public class SafetensorsFuzzTests
{
    [Test]
    public void CorruptedSafetensors_OpensOrThrowsModelLoadException()
    {
        var random = new Random(5);
        var writer = new SafetensorsWriter();
        writer.Metadata["format"] = "pt";
        writer.Add(TensorData.FromFloats("model.layers.0.mlp.up_proj.weight", [8, 4], RandomFloats(random, 32)))
            .Add(TensorData.FromBytes("model.norm.weight", GgmlType.F16, [16], MemoryMarshal.AsBytes(RandomFloats(random, 8).AsSpan()).ToArray()))
            .Add(TensorData.FromBytes("lm_head.weight", GgmlType.BF16, [4, 4], MemoryMarshal.AsBytes(RandomFloats(random, 8).AsSpan()).ToArray()))
            .Add(TensorData.FromBytes("position_ids", GgmlType.I64, [3], new byte[24]));
        var buffer = new MemoryStream();
        writer.WriteTo(buffer);
        var bytes = buffer.ToArray();
        var dataOffset = 8 + BitConverter.ToInt64(bytes, 0);

        using var dir = new TempDirectory();
        var path = dir.File("fuzz.safetensors");
        var fuzzer = new FileFuzzer(bytes, path, dataOffset, seed: 8, jsonAlphabet: true);
        var failures = FuzzGuard.Run(() => fuzzer.Run(200, OpenAndReadEveryTensor, path));

        TestContext.Out.WriteLine($"opened {fuzzer.Opened}, rejected {fuzzer.Rejected}");
        Assert.That(failures, Is.Empty, string.Join("\n\n", failures.Take(5)));
        Assert.That(fuzzer.Rejected, Is.GreaterThan(50));
        Assert.That(fuzzer.Opened, Is.GreaterThan(3), "corrupt tensor bytes still open");
    }

    [TestCase(HuggingFaceModel.ConfigFileName)]
    [TestCase(HuggingFaceModel.GenerationConfigFileName)]
    [TestCase("model.safetensors.index.json")]
    public void CorruptedJsonFile_OpensOrThrowsModelLoadExceptionNamingTheFolder(string fileName)
    {
        var config = HuggingFaceFolderWriterTests.SmallConfig("llama") with
        {
            RopeScaling = new RopeScaling("llama3", 8, 1, 4, 8192),
            EosTokenIds = [2, 3],
        };
        using var dir = new TempDirectory();
        HuggingFaceFolderWriter.Write(dir.Path, config, HuggingFaceFolderWriterTests.RandomTensors(config), maxShardBytes: 20_000);
        var path = dir.File(fileName);
        var bytes = File.ReadAllBytes(path);
        var fuzzer = new FileFuzzer(bytes, path, bytes.Length, seed: fileName.Length, jsonAlphabet: true);

        var failures = FuzzGuard.Run(() => fuzzer.Run(200, _ => OpenModelAndReadEveryTensor(dir.Path), dir.Path));

        TestContext.Out.WriteLine($"opened {fuzzer.Opened}, rejected {fuzzer.Rejected}");
        Assert.That(failures, Is.Empty, string.Join("\n\n", failures.Take(5)));
        Assert.That(fuzzer.Rejected, Is.GreaterThan(20));
        Assert.DoesNotThrow(() => OpenModelAndReadEveryTensor(dir.Path), "the fuzzer must leave the intact file behind");
    }

    private static void OpenAndReadEveryTensor(string path)
    {
        using var file = SafetensorsFile.Open(path);
        foreach (var info in file.Tensors)
        {
            // Only the float dtypes have views; the others are reported when used, which a separate test checks.
            if (info.Type is not null)
            {
                file.GetView(info).Bytes.Count((byte)0x5A);
            }
        }
    }

    private static void OpenModelAndReadEveryTensor(string folder)
    {
        using var model = HuggingFaceModel.Open(folder);
        foreach (var name in model.TensorNames)
        {
            if (model.TryGetTensor(name, out var view))
            {
                view.Bytes.Count((byte)0x5A);
            }
        }
    }

    private static float[] RandomFloats(Random random, int count)
    {
        var values = new float[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = random.NextSingle();
        }
        return values;
    }
}
