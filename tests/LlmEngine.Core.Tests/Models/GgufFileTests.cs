using LlmEngine.Models;
using LlmEngine.Models.Gguf;
using LlmEngine.Tests.Infrastructure;
using NUnit.Framework;

namespace LlmEngine.Tests.Models;

public class GgufFileTests
{
    [Test]
    public void Stories260K_OpensWithItsHyperparameters()
    {
        using var file = GgufFile.Open(TestData.File("stories260K.gguf"));
        var md = file.Metadata;
        Assert.That(file.Version, Is.EqualTo(3));
        Assert.That(md.Architecture, Is.EqualTo("llama"));
        Assert.That(md.EmbeddingLength, Is.EqualTo(64));
        Assert.That(md.BlockCount, Is.EqualTo(5));
        Assert.That(md.HeadCount, Is.EqualTo(8));
        Assert.That(md.HeadCountKv, Is.EqualTo(4));
        Assert.That(md.ContextLength, Is.EqualTo(2048));
        Assert.That(md.Tokens, Has.Length.EqualTo(512));
        Assert.That(md.TokenizerModel, Is.EqualTo("llama"));
        Assert.That(file.TryGetTensor("token_embd.weight", out var embd), Is.True);
        Assert.That(embd.Type, Is.EqualTo(GgmlType.F32));
        Assert.That(embd.Shape, Is.EqualTo(new long[] { 64, 512 }));
    }

    [Test]
    public void NotAGguf_ThrowsModelLoadExceptionNamingTheFile()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, new byte[64]);
            var e = Assert.Throws<ModelLoadException>(() => GgufFile.Open(path));
            Assert.That(e!.Message, Does.Contain(path).And.Contain("magic"));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
