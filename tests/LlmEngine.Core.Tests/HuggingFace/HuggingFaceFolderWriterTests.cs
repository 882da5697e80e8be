using LlmEngine.Models;
using LlmEngine.Models.Gguf;
using LlmEngine.Models.HuggingFace;
using LlmEngine.Models.Safetensors;
using LlmEngine.Tests.Infrastructure;
using NUnit.Framework;

namespace LlmEngine.Tests.HuggingFace;

public class HuggingFaceFolderWriterTests
{
    private static readonly string[] s_models = ["tiny-llama", "tiny-llama3-rope", "tiny-qwen2", "tiny-qwen3", "tiny-phi3"];

    [TestCaseSource(nameof(s_models))]
    public void RealModel_RoundTripsThroughTheWriter(string name)
    {
        using var original = HuggingFaceModel.Open(TestData.Directory("archs/hf/" + name));
        using var dir = new TempDirectory();
        var tensors = original.Shards.SelectMany(s => s.Tensors.Select(t => TensorData.FromView(s.GetView(t)))).ToList();
        HuggingFaceFolderWriter.Write(dir.Path, original.Config, tensors);

        using var copy = HuggingFaceModel.Open(dir.Path);
        AssertSameConfig(copy.Config, original.Config);
        Assert.That(copy.GenerationConfig!.EosTokenIds, Is.EqualTo(original.Config.EosTokenIds));
        Assert.That(copy.GenerationConfig.BosTokenId, Is.EqualTo(original.Config.BosTokenId));
        AssertSameTensors(copy, original);
    }

    [Test]
    public void ShardedWrite_SplitsAndReadsBack()
    {
        using var original = HuggingFaceModel.Open(TestData.Directory("archs/hf/tiny-qwen3"));
        using var dir = new TempDirectory();
        var tensors = original.Shards[0].Tensors.Select(t => TensorData.FromView(original.Shards[0].GetView(t))).ToList();
        HuggingFaceFolderWriter.Write(dir.Path, original.Config, tensors, maxShardBytes: 600_000);

        Assert.That(File.Exists(dir.File("model.safetensors")), Is.False);
        Assert.That(File.Exists(dir.File("model.safetensors.index.json")), Is.True);
        using var copy = HuggingFaceModel.Open(dir.Path);
        Assert.That(copy.Shards, Has.Count.GreaterThan(2));
        Assert.That(copy.Shards.All(s => s.FileLength - s.DataOffset <= 600_000 || s.Tensors.Count == 1), Is.True);
        AssertSameTensors(copy, original);
    }

    [Test]
    public void SyntheticConfigs_RoundTripEveryRopeScaling()
    {
        var factors = Enumerable.Range(0, 8).Select(i => 1 + i * 0.25f).ToArray();
        RopeScaling?[] scalings =
        [
            null,
            new RopeScaling("linear", Factor: 2),
            new RopeScaling("llama3", 8, 1, 4, 8192),
            new RopeScaling("yarn", Factor: 4, OriginalContextLength: 4096),
            new RopeScaling("longrope", Factor: 1.5, OriginalContextLength: 1024, ShortFactors: factors, LongFactors: factors.Reverse().ToArray()),
        ];
        foreach (var scaling in scalings)
        {
            var config = SmallConfig("phi3") with { RopeScaling = scaling, RopeDimensions = 16, EosTokenIds = [2, 32000] };
            using var dir = new TempDirectory();
            HuggingFaceFolderWriter.Write(dir.Path, config, RandomTensors(config));
            using var copy = HuggingFaceModel.Open(dir.Path);
            AssertSameConfig(copy.Config, config);
        }
    }

    [Test]
    public void GenerationConfig_RoundTrips()
    {
        var config = SmallConfig("qwen2");
        var generation = new HuggingFaceGenerationConfig
        {
            BosTokenId = 1,
            EosTokenIds = [2, 5],
            PadTokenId = 0,
            DoSample = true,
            Temperature = 0.7f,
            TopP = 0.8f,
            TopK = 20,
            MinP = 0.05f,
            RepetitionPenalty = 1.05f,
            MaxNewTokens = 128,
        };
        using var dir = new TempDirectory();
        HuggingFaceFolderWriter.Write(dir.Path, config, RandomTensors(config), generation);
        using var copy = HuggingFaceModel.Open(dir.Path);
        Assert.That(copy.GenerationConfig! with { EosTokenIds = [] }, Is.EqualTo(generation with { EosTokenIds = [] }));
        Assert.That(copy.GenerationConfig.EosTokenIds, Is.EqualTo(new[] { 2, 5 }));
        Assert.That(File.ReadAllText(dir.File("generation_config.json")), Does.Contain("0.7,").And.Not.Contain("0.699"));
    }

    [TestCase("tiny-llama")]
    [TestCase("tiny-llama3-rope")]
    [TestCase("tiny-phi3")]
    [TestCase("tiny-qwen2")]
    [TestCase("tiny-qwen3")]
    public void GgufTensors_ConvertToTheReferenceHuggingFaceFolder(string name)
    {
        using var gguf = GgufFile.Open(TestData.File($"archs/{name}.f32.gguf"));
        using var reference = HuggingFaceModel.Open(TestData.Directory("archs/hf/" + name));
        // The GGUF side of a llama model has its Q and K rows permuted (llama.cpp's "normal" rope).
        var ggufConfig = reference.Config with { RopeStyle = gguf.Metadata.Architecture == "llama" ? RopeStyle.Normal : RopeStyle.Neox };
        using var dir = new TempDirectory();
        HuggingFaceFolderWriter.WriteFromGguf(dir.Path, ggufConfig, gguf.Tensors.Select(t => TensorData.FromView(gguf.GetView(t))));

        using var converted = HuggingFaceModel.Open(dir.Path);
        AssertSameConfig(converted.Config, reference.Config);
        AssertSameTensors(converted, reference);
        foreach (var tensorName in reference.TensorNames)
        {
            Assert.That(converted.FindStoredName(tensorName), Is.EqualTo(reference.FindStoredName(tensorName)));
        }

        // And back: Hugging Face tensors converted to GGUF form equal the GGUF's bytes.
        foreach (var shard in reference.Shards)
        {
            foreach (var info in shard.Tensors)
            {
                var back = HuggingFaceTensorConversion.ToGguf(TensorData.FromView(shard.GetView(info)), ggufConfig);
                Assert.That(gguf.TryGetTensor(back.Name, out var expected), Is.True, back.Name);
                Assert.That(back.Shape, Is.EqualTo(expected.Shape), back.Name);
                Assert.That(back.GetBytes().Span.SequenceEqual(expected.Bytes), Is.True, back.Name);
            }
        }
    }

    [Test]
    public void TensorData_ChecksSizes()
    {
        Assert.Throws<ArgumentException>(() => TensorData.FromBytes("w", GgmlType.F32, [2, 2], new byte[15]));
        Assert.Throws<ArgumentException>(() => TensorData.FromFloats("w", [3], new float[2]));
        Assert.Throws<ArgumentException>(() => TensorData.FromFloats("w", [-1], []));
        var shortWriter = TensorData.FromWriter("w", GgmlType.F16, [4], s => s.Write(new byte[6]));
        Assert.Throws<InvalidOperationException>(() => shortWriter.WriteTo(new MemoryStream()));
        Assert.Throws<ArgumentException>(() => new SafetensorsWriter().Add(TensorData.FromBytes("q", GgmlType.Q8_0, [32], new byte[34])));
        var writer = new SafetensorsWriter().Add(TensorData.FromFloats("w", [1], [1f]));
        Assert.Throws<ArgumentException>(() => writer.Add(TensorData.FromFloats("w", [1], [1f])));
    }

    internal static ModelConfig SmallConfig(string architecture) => new()
    {
        Architecture = architecture,
        VocabularySize = 64,
        HiddenSize = 32,
        NumLayers = 2,
        NumHeads = 4,
        NumKvHeads = 2,
        HeadDim = 16,
        IntermediateSize = 48,
        ContextLength = 256,
        RmsNormEpsilon = 1e-5f,
        RopeTheta = 10000f,
        RopeDimensions = 16,
        RopeStyle = RopeStyle.Neox,
        TiedEmbeddings = true,
        BosTokenId = 1,
        EosTokenIds = [2],
    };

    internal static List<TensorData> RandomTensors(ModelConfig c, int seed = 1)
    {
        var random = new Random(seed);
        TensorData Make(string name, params long[] shape)
        {
            var values = new float[shape.Aggregate(1L, (a, b) => a * b)];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = random.NextSingle() - 0.5f;
            }
            return TensorData.FromFloats(name, shape, values);
        }
        var list = new List<TensorData> { Make("model.embed_tokens.weight", c.HiddenSize, c.VocabularySize) };
        for (var l = 0; l < c.NumLayers; l++)
        {
            var p = $"model.layers.{l}.";
            list.Add(Make(p + "input_layernorm.weight", c.HiddenSize));
            list.Add(Make(p + "self_attn.q_proj.weight", c.HiddenSize, c.NumHeads * c.HeadDim));
            list.Add(Make(p + "self_attn.k_proj.weight", c.HiddenSize, c.NumKvHeads * c.HeadDim));
            list.Add(Make(p + "self_attn.v_proj.weight", c.HiddenSize, c.NumKvHeads * c.HeadDim));
            list.Add(Make(p + "self_attn.o_proj.weight", c.NumHeads * c.HeadDim, c.HiddenSize));
            list.Add(Make(p + "post_attention_layernorm.weight", c.HiddenSize));
            list.Add(Make(p + "mlp.gate_proj.weight", c.HiddenSize, c.IntermediateSize));
            list.Add(Make(p + "mlp.up_proj.weight", c.HiddenSize, c.IntermediateSize));
            list.Add(Make(p + "mlp.down_proj.weight", c.IntermediateSize, c.HiddenSize));
        }
        list.Add(Make("model.norm.weight", c.HiddenSize));
        if (!c.TiedEmbeddings)
        {
            list.Add(Make("lm_head.weight", c.HiddenSize, c.VocabularySize));
        }
        return list;
    }

    internal static void AssertSameConfig(ModelConfig actual, ModelConfig expected)
    {
        Assert.That(actual with { EosTokenIds = [], RopeScaling = null }, Is.EqualTo(expected with { EosTokenIds = [], RopeScaling = null }));
        Assert.That(actual.EosTokenIds, Is.EqualTo(expected.EosTokenIds));
        if (expected.RopeScaling is null)
        {
            Assert.That(actual.RopeScaling, Is.Null);
            return;
        }
        Assert.That(actual.RopeScaling, Is.Not.Null);
        Assert.That(actual.RopeScaling! with { ShortFactors = null, LongFactors = null },
            Is.EqualTo(expected.RopeScaling with { ShortFactors = null, LongFactors = null }));
        Assert.That(actual.RopeScaling.ShortFactors, Is.EqualTo(expected.RopeScaling.ShortFactors));
        Assert.That(actual.RopeScaling.LongFactors, Is.EqualTo(expected.RopeScaling.LongFactors));
    }

    private static void AssertSameTensors(HuggingFaceModel actual, HuggingFaceModel expected)
    {
        Assert.That(actual.TensorNames.Order(), Is.EqualTo(expected.TensorNames.Order()));
        foreach (var name in expected.TensorNames)
        {
            Assert.That(actual.TryGetTensor(name, out var a), Is.True);
            Assert.That(expected.TryGetTensor(name, out var e), Is.True);
            Assert.That(a.Type, Is.EqualTo(e.Type), name);
            Assert.That(a.Shape, Is.EqualTo(e.Shape), name);
            Assert.That(a.Bytes.SequenceEqual(e.Bytes), Is.True, name);
        }
    }
}
