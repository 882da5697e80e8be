using LlmEngine.Models.Gguf;
using LlmEngine.Tests.HuggingFace;
using LlmEngine.Tests.Infrastructure;
using NUnit.Framework;

namespace LlmEngine.Tests.Robustness;

public class GgufFuzzTests
{
    [Test]
    public void CorruptedStories260K_OpensOrThrowsModelLoadException()
    {
        var source = TestData.File("stories260K.gguf");
        long headerEnd;
        using (var intact = GgufFile.Open(source))
        {
            headerEnd = intact.DataOffset;
        }
        using var dir = new TempDirectory();
        var path = dir.File("fuzz.gguf");
        var fuzzer = new FileFuzzer(File.ReadAllBytes(source), path, headerEnd, seed: 260);

        var failures = FuzzGuard.Run(() => fuzzer.Run(1000, OpenAndReadEveryTensor, path));

        TestContext.Out.WriteLine($"opened {fuzzer.Opened}, rejected {fuzzer.Rejected}");
        Assert.That(failures, Is.Empty, string.Join("\n\n", failures.Take(5)));
        Assert.That(fuzzer.Rejected, Is.GreaterThan(300), "most header corruptions must be detected");
        Assert.That(fuzzer.Opened, Is.GreaterThan(50), "corrupt tensor bytes and harmless metadata changes still open");
    }

    private static void OpenAndReadEveryTensor(string path)
    {
        using var file = GgufFile.Open(path);
        foreach (var info in file.Tensors)
        {
            var view = file.GetView(info);
            // Counting touches every byte of the mapped range, so a view past the end of the mapping would fault here.
            view.Bytes.Count((byte)0x5A);
        }
    }
}
