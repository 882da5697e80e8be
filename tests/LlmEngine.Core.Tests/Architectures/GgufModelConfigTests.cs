using System.Text;
using LlmEngine.Models;
using LlmEngine.Models.Architectures;
using LlmEngine.Models.Gguf;
using LlmEngine.Tests.Infrastructure;
using NUnit.Framework;

namespace LlmEngine.Tests.Architectures;

public class GgufModelConfigTests
{
    [Test]
    public void Stories260K_ReadsItsHyperparameters()
    {
        using var model = ModelLoader.Load(TestData.File("stories260K.gguf"));
        var c = model.Config;

        Assert.That(model.Format, Is.EqualTo(ModelFormat.Gguf));
        Assert.That((c.Architecture, c.VocabularySize, c.HiddenSize, c.NumLayers), Is.EqualTo(("llama", 512, 64, 5)));
        Assert.That((c.NumHeads, c.NumKvHeads, c.HeadDim, c.IntermediateSize, c.ContextLength), Is.EqualTo((8, 4, 8, 172, 2048)));
        Assert.That((c.RopeTheta, c.RopeDimensions, c.RopeStyle), Is.EqualTo((10000f, 8, RopeStyle.Normal)));
        Assert.That(c.RmsNormEpsilon, Is.EqualTo(1e-5f).Within(1e-9f));
        Assert.That((c.TiedEmbeddings, c.BosTokenId, c.RopeScaling), Is.EqualTo((false, (int?)1, (RopeScaling?)null)));
        Assert.That(c.EosTokenIds, Is.EqualTo(new[] { 2 }));
    }

    [TestCase("tiny-llama.f32.gguf", "llama", RopeStyle.Normal, 32, false)]
    [TestCase("tiny-qwen2.f32.gguf", "qwen2", RopeStyle.Neox, 32, true)]
    [TestCase("tiny-qwen3.f32.gguf", "qwen3", RopeStyle.Neox, 48, true)]
    [TestCase("tiny-phi3.f32.gguf", "phi3", RopeStyle.Neox, 32, false)]
    public void Architectures_ReadTheirLayout(string file, string arch, RopeStyle style, int headDim, bool tied)
    {
        using var gguf = GgufFile.Open(TestData.File("archs/" + file));
        var c = GgufModelConfig.FromGguf(gguf);

        Assert.That((c.Architecture, c.RopeStyle, c.HeadDim, c.TiedEmbeddings), Is.EqualTo((arch, style, headDim, tied)));
        Assert.That((c.NumHeads, c.NumKvHeads, c.HiddenSize), Is.EqualTo((4, 2, 128)));
    }

    [Test]
    public void Llama3RopeParameters_GiveTheDivisorsStoredInTheGguf()
    {
        using var gguf = GgufFile.Open(TestData.File("archs/tiny-llama3-rope.f32.gguf"));
        var config = GgufModelConfig.FromGguf(gguf);
        var stored = TransformerWeights.Bind(gguf, config).RopeFrequencyDivisors;
        Assert.That(config.RopeScaling?.Type, Is.EqualTo("llama3"));
        Assert.That(stored, Is.Not.Null);

        // The archs README: factor 8, low 1, high 4, original context 8,192.
        var fromParameters = RopeParameters.Create(config with { RopeScaling = new RopeScaling("llama3", 8, 1, 4, 8192) }, null, 512);

        Assert.That(fromParameters.Divisors, Is.EqualTo(stored).Within(1e-5f));
        Assert.That(stored!.Distinct().Count(), Is.GreaterThan(2), "the model exercises all three frequency bands");
    }

    [Test]
    public void UnsupportedArchitecture_NamesTheFileAndTheArchitecture()
    {
        var path = PatchedCopy("stories260K.gguf", "architecture\b\0\0\0\u0005\0\0\0\0\0\0\0llama", "architecture\b\0\0\0\u0005\0\0\0\0\0\0\0gemma");
        try
        {
            var e = Assert.Throws<ModelLoadException>(() => ModelLoader.Load(path).Dispose());

            Assert.That(e!.Message, Does.Contain(path).And.Contain("'gemma'").And.Contain("qwen3"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void MissingTensor_NamesTheTensorAndItsExpectedShape()
    {
        using var gguf = GgufFile.Open(TestData.File("stories260K.gguf"));
        var config = GgufModelConfig.FromGguf(gguf);

        var e = Assert.Throws<ModelLoadException>(() => TransformerWeights.Bind(new FilteredSource(gguf, "blk.3.ffn_up.weight"), config));

        Assert.That(e!.Message, Does.Contain(gguf.SourcePath).And.Contain("'blk.3.ffn_up.weight' is missing").And.Contain("[64, 172]"));
    }

    [Test]
    public void WrongShape_NamesTheTensorTheShapeAndTheExpectation()
    {
        using var gguf = GgufFile.Open(TestData.File("stories260K.gguf"));
        var config = GgufModelConfig.FromGguf(gguf) with { IntermediateSize = 176 };

        var e = Assert.Throws<ModelLoadException>(() => TransformerWeights.Bind(gguf, config));

        Assert.That(e!.Message, Does.Contain("'blk.0.ffn_gate.weight' has shape [64, 172]; expected [64, 176]"));
    }

    private static string PatchedCopy(string file, string find, string replace)
    {
        var bytes = File.ReadAllBytes(TestData.File(file));
        var pattern = Encoding.Latin1.GetBytes(find);
        var at = bytes.AsSpan().IndexOf(pattern);
        Assert.That(at, Is.GreaterThanOrEqualTo(0), "pattern to patch");
        Encoding.Latin1.GetBytes(replace).CopyTo(bytes, at);
        var path = Path.Combine(Path.GetTempPath(), $"llmengine-{Guid.NewGuid():N}.gguf");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>A tensor source with one tensor hidden.</summary>
    private sealed class FilteredSource(ITensorSource inner, string hidden) : ITensorSource
    {
        public string SourcePath => inner.SourcePath;

        public IReadOnlyCollection<string> TensorNames => inner.TensorNames.Where(n => n != hidden).ToArray();

        public bool TryGetTensor(string name, out TensorView tensor)
        {
            tensor = default;
            return name != hidden && inner.TryGetTensor(name, out tensor);
        }

        public void Dispose()
        {
        }
    }
}
