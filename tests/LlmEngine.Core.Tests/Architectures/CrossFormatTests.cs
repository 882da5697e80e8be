using LlmEngine.Models;
using LlmEngine.Models.Gguf;
using LlmEngine.Models.HuggingFace;
using LlmEngine.Models.Safetensors;
using LlmEngine.Tests.Execution;
using NUnit.Framework;

namespace LlmEngine.Tests.Architectures;

/// <summary>
/// One set of random weights written twice, as a Hugging Face folder (rotate-half Q/K) and as a GGUF (Q/K permuted for
/// llama, as llama.cpp's converter does), must give the same logits: the formats' names, layouts, fused tensors and
/// rope styles all meet in the same forward pass.
/// </summary>
public class CrossFormatTests
{
    private const int Hidden = 64, Heads = 4, KvHeads = 2, FeedForward = 96, Vocabulary = 128, Layers = 2;

    private static readonly int[] s_prompt = [1, 5, 17, 42, 99, 3, 77, 64, 12, 100, 7];

    private string _folder = "";

    [SetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("llmengine-crossformat-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    [TestCase("llama", 16)]
    [TestCase("qwen2", 16)]
    [TestCase("qwen3", 24)]
    [TestCase("phi3", 16)]
    public void GgufAndHuggingFaceFolder_GiveTheSameLogits(string architecture, int headDim)
    {
        var ggufPath = Path.Combine(_folder, "model.gguf");
        var hfFolder = Path.Combine(_folder, "hf");
        var (config, tensors) = RandomModel(architecture, headDim, seed: architecture.Length * 31 + headDim);
        HuggingFaceFolderWriter.Write(hfFolder, config, tensors);
        var ggufConfig = config with { RopeStyle = architecture == "llama" ? RopeStyle.Normal : RopeStyle.Neox };
        WriteGguf(ggufPath, ggufConfig, tensors.Select(t => HuggingFaceTensorConversion.ToGguf(t, ggufConfig)));

        using var gguf = new ExecutorHarness(ggufPath, numBlocks: 4);
        using var hf = new ExecutorHarness(hfFolder, numBlocks: 4);
        Assert.That(gguf.Model.Config.RopeStyle, Is.EqualTo(ggufConfig.RopeStyle));
        Assert.That(hf.Model.Config.RopeStyle, Is.EqualTo(RopeStyle.Neox));
        var (fromGguf, greedyGguf) = gguf.Greedy(s_prompt, 8);
        var (fromHf, greedyHf) = hf.Greedy(s_prompt, 8);

        var diff = ExecutorHarness.MaxAbsDiff(fromGguf, fromHf);
        TestContext.Out.WriteLine($"{architecture}: max logit difference {diff:G3}, logit range ±{fromHf.Max(Math.Abs):G3}");
        Assert.That(diff, Is.LessThan(1e-4f));
        Assert.That(fromHf.Max(Math.Abs), Is.GreaterThan(0.05f), "logits large enough for the comparison to mean something");
        Assert.That(greedyGguf, Is.EqualTo(greedyHf));
    }

    private static (ModelConfig Config, List<TensorData> HuggingFaceTensors) RandomModel(string architecture, int headDim, int seed)
    {
        var random = new Random(seed);
        var tied = architecture is "qwen2" or "qwen3";
        var config = new ModelConfig
        {
            Architecture = architecture,
            VocabularySize = Vocabulary,
            HiddenSize = Hidden,
            NumLayers = Layers,
            NumHeads = Heads,
            NumKvHeads = KvHeads,
            HeadDim = headDim,
            IntermediateSize = FeedForward,
            ContextLength = 256,
            RmsNormEpsilon = 1e-6f,
            RopeTheta = 10000f,
            RopeDimensions = headDim,
            RopeStyle = RopeStyle.Neox,
            TiedEmbeddings = tied,
            BosTokenId = 1,
            EosTokenIds = [2],
        };
        int q = Heads * headDim, kv = KvHeads * headDim;
        var ggufShapes = new List<(string Name, long[] Shape, bool Norm)> { ("token_embd.weight", [Hidden, Vocabulary], false), ("output_norm.weight", [Hidden], true) };
        if (!tied)
        {
            ggufShapes.Add(("output.weight", [Hidden, Vocabulary], false));
        }
        for (var i = 0; i < Layers; i++)
        {
            var p = $"blk.{i}.";
            ggufShapes.Add((p + "attn_norm.weight", [Hidden], true));
            ggufShapes.Add((p + "ffn_norm.weight", [Hidden], true));
            ggufShapes.Add((p + "attn_output.weight", [q, Hidden], false));
            ggufShapes.Add((p + "ffn_down.weight", [FeedForward, Hidden], false));
            if (architecture == "phi3")
            {
                ggufShapes.Add((p + "attn_qkv.weight", [Hidden, q + 2 * kv], false));
                ggufShapes.Add((p + "ffn_up.weight", [Hidden, 2 * FeedForward], false));
                continue;
            }
            ggufShapes.AddRange([(p + "attn_q.weight", [Hidden, q], false), (p + "attn_k.weight", [Hidden, kv], false), (p + "attn_v.weight", [Hidden, kv], false),
                (p + "ffn_gate.weight", [Hidden, FeedForward], false), (p + "ffn_up.weight", [Hidden, FeedForward], false)]);
            if (architecture == "qwen2")
            {
                ggufShapes.AddRange([(p + "attn_q.bias", [q], false), (p + "attn_k.bias", [kv], false), (p + "attn_v.bias", [kv], false)]);
            }
            if (architecture == "qwen3")
            {
                ggufShapes.AddRange([(p + "attn_q_norm.weight", [headDim], true), (p + "attn_k_norm.weight", [headDim], true)]);
            }
        }
        var tensors = new List<TensorData>();
        foreach (var (name, shape, norm) in ggufShapes)
        {
            var values = new float[shape.Aggregate(1L, (a, b) => a * b)];
            for (var i = 0; i < values.Length; i++)
            {
                var gaussian = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
                values[i] = norm ? (float)(1 + 0.1 * gaussian) : (float)(0.08 * gaussian);
            }
            tensors.Add(TensorData.FromFloats(HuggingFaceTensorNames.ToHuggingFace(name, architecture)!, shape, values));
        }
        return (config, tensors);
    }

    private static void WriteGguf(string path, ModelConfig c, IEnumerable<TensorData> tensors)
    {
        var a = c.Architecture;
        var writer = new GgufWriter()
            .AddString("general.architecture", a)
            .AddUInt32($"{a}.context_length", (uint)c.ContextLength)
            .AddUInt32($"{a}.embedding_length", (uint)c.HiddenSize)
            .AddUInt32($"{a}.block_count", (uint)c.NumLayers)
            .AddUInt32($"{a}.feed_forward_length", (uint)c.IntermediateSize)
            .AddUInt32($"{a}.attention.head_count", (uint)c.NumHeads)
            .AddUInt32($"{a}.attention.head_count_kv", (uint)c.NumKvHeads)
            .AddUInt32($"{a}.attention.key_length", (uint)c.HeadDim)
            .AddUInt32($"{a}.attention.value_length", (uint)c.HeadDim)
            .AddUInt32($"{a}.rope.dimension_count", (uint)c.RopeDimensions)
            .AddFloat32($"{a}.rope.freq_base", c.RopeTheta)
            .AddFloat32($"{a}.attention.layer_norm_rms_epsilon", c.RmsNormEpsilon)
            .AddUInt32("tokenizer.ggml.bos_token_id", 1)
            .AddUInt32("tokenizer.ggml.eos_token_id", 2);
        foreach (var tensor in tensors)
        {
            writer.AddTensor(tensor.Name, tensor.Type, tensor.Shape, tensor.WriteTo);
        }
        writer.WriteTo(path);
    }
}
