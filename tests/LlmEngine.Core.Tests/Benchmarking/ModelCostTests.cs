using LlmEngine.Cli.Benchmarking;
using LlmEngine.Models;
using LlmEngine.Tests.Infrastructure;
using NUnit.Framework;

namespace LlmEngine.Tests.Benchmarking;

public class ModelCostTests
{
    [Test]
    public void ADecodeStepReadsEveryWeightButOnlyOneEmbeddingRow()
    {
        using var model = ModelLoader.Load(TestData.File("stories260K.gguf"));
        var cost = ModelCost.Of(model.Tensors, model.Config);
        long all = 0;
        foreach (var name in model.Tensors.TensorNames)
        {
            Assert.That(model.Tensors.TryGetTensor(name, out var tensor), Is.True);
            all += tensor.ByteLength;
        }
        Assert.That(model.Tensors.TryGetTensor("token_embd.weight", out var embedding), Is.True);
        var untied = model.Tensors.TryGetTensor("output.weight", out _);
        var expected = untied ? all - embedding.ByteLength + embedding.RowBytes : all;
        Assert.That(cost.WeightBytesPerToken, Is.EqualTo(expected));
        Assert.That(cost.WeightType, Is.EqualTo(GgmlType.F32));
        Assert.That(cost.HeadParameters, Is.EqualTo((long)model.Config.VocabularySize * model.Config.HiddenSize));
        Assert.That(cost.AttentionWidth, Is.EqualTo((long)model.Config.NumLayers * model.Config.NumHeads * model.Config.HeadDim));
    }

    [Test]
    public void LimitsFollowFromBandwidthAndArithmetic()
    {
        var cost = new ModelCost(WeightBytesPerToken: 1_000_000, BodyParameters: 400, HeadParameters: 100, AttentionWidth: 10, GgmlType.Q8_0);
        Assert.That(cost.GenerationLimit(50e9), Is.EqualTo(50_000));
        // One token: 2·400 (body) + 4·10·1 (attention over itself) + 2·100 (head).
        Assert.That(cost.PromptFlops(1), Is.EqualTo(1040));
        // Three tokens attend to two positions on average.
        Assert.That(cost.PromptFlops(3), Is.EqualTo(3 * (800 + 40 * 2) + 200));
        Assert.That(cost.PromptLimit(1, 1040), Is.EqualTo(1));
    }
}
