using LlmEngine.Models;
using LlmEngine.Models.Gguf;
using LlmEngine.Models.HuggingFace;
using LlmEngine.Tests.Infrastructure;
using NUnit.Framework;

namespace LlmEngine.Tests.HuggingFace;

public class HuggingFaceModelTests
{
    private static readonly string[] s_models = ["tiny-llama", "tiny-llama3-rope", "tiny-qwen2", "tiny-qwen3", "tiny-phi3"];

    [TestCaseSource(nameof(s_models))]
    public void Config_MatchesTheGgufTwin(string name)
    {
        using var hf = HuggingFaceModel.Open(TestData.Directory("archs/hf/" + name));
        using var gguf = GgufFile.Open(TestData.File($"archs/{name}.f32.gguf"));
        var md = gguf.Metadata;
        var c = hf.Config;
        Assert.That(c.Architecture, Is.EqualTo(md.Architecture));
        Assert.That(c.VocabularySize, Is.EqualTo(md.Tokens!.Length));
        Assert.That(c.HiddenSize, Is.EqualTo(md.EmbeddingLength));
        Assert.That(c.NumLayers, Is.EqualTo(md.BlockCount));
        Assert.That(c.NumHeads, Is.EqualTo(md.HeadCount));
        Assert.That(c.NumKvHeads, Is.EqualTo(md.HeadCountKv));
        Assert.That(c.HeadDim, Is.EqualTo(md.KeyLength ?? md.EmbeddingLength / md.HeadCount));
        Assert.That(c.RopeDimensions, Is.EqualTo(md.RopeDimensionCount ?? c.HeadDim));
        Assert.That(c.IntermediateSize, Is.EqualTo(md.FeedForwardLength));
        Assert.That(c.ContextLength, Is.EqualTo(md.ContextLength));
        Assert.That(c.RmsNormEpsilon, Is.EqualTo((float)md.RmsNormEpsilon!.Value));
        Assert.That(c.RopeTheta, Is.EqualTo((float)md.RopeFreqBase!.Value));
        Assert.That(c.RopeStyle, Is.EqualTo(RopeStyle.Neox));
        Assert.That(c.TiedEmbeddings, Is.EqualTo(gguf.FindTensor("output.weight") is null));
        Assert.That(c.BosTokenId, Is.EqualTo(md.BosTokenId));
        Assert.That(c.EosTokenIds, Is.EqualTo(new[] { (int)md.EosTokenId!.Value }));
        Assert.That(hf.TokenizerPath, Does.EndWith("tokenizer.json"));
        Assert.That(hf.TokenizerConfigPath, Does.EndWith("tokenizer_config.json"));
        Assert.That(hf.SpecialTokensMapPath, Is.Null);
        Assert.That(hf.GenerationConfig!.EosTokenIds, Is.EqualTo(new[] { 2 }));
        Assert.That(hf.GenerationConfig.DoSample, Is.False);
        Assert.That(hf.GenerationConfig.Temperature, Is.Null);
    }

    [Test]
    public void Llama3RopeScaling_IsRead()
    {
        using var hf = HuggingFaceModel.Open(TestData.Directory("archs/hf/tiny-llama3-rope"));
        Assert.That(hf.Config.RopeScaling, Is.EqualTo(new RopeScaling("llama3", 8.0, 1.0, 4.0, 8192)));
        Assert.That(hf.Config.RopeTheta, Is.EqualTo(500000f));
        Assert.That(hf.ArchitectureClassName, Is.EqualTo("LlamaForCausalLM"));
    }

    [TestCase("tiny-llama")]
    [TestCase("tiny-qwen2")]
    [TestCase("tiny-phi3")]
    public void PlainModels_HaveNoRopeScaling(string name)
    {
        using var hf = HuggingFaceModel.Open(TestData.Directory("archs/hf/" + name));
        Assert.That(hf.Config.RopeScaling, Is.Null);
    }

    [TestCaseSource(nameof(s_models))]
    public unsafe void Tensors_MatchTheGgufTwinUnderGgufNames(string name)
    {
        using var hf = HuggingFaceModel.Open(TestData.Directory("archs/hf/" + name));
        using var gguf = GgufFile.Open(TestData.File($"archs/{name}.f32.gguf"));
        // rope_freqs.weight is llama.cpp's precomputed Llama 3 scaling; Hugging Face derives it from rope_scaling.
        var expectedNames = gguf.TensorNames.Where(n => n != "rope_freqs.weight").Order().ToArray();
        Assert.That(hf.TensorNames.Order().ToArray(), Is.EqualTo(expectedNames));
        Assert.That(hf.UnmappedTensorNames, Is.Empty);

        var permutedChecked = 0;
        foreach (var tensorName in expectedNames)
        {
            Assert.That(gguf.TryGetTensor(tensorName, out var g), Is.True);
            Assert.That(hf.TryGetTensor(tensorName, out var h), Is.True);
            Assert.That(h.Name, Is.EqualTo(tensorName));
            Assert.That(h.Type, Is.EqualTo(g.Type), tensorName);
            Assert.That(h.Shape, Is.EqualTo(g.Shape), tensorName);
            var isRotary = tensorName.EndsWith("attn_q.weight", StringComparison.Ordinal) || tensorName.EndsWith("attn_k.weight", StringComparison.Ordinal);
            if (hf.Config.Architecture == "llama" && isRotary)
            {
                // llama.cpp permuted these rows; undoing and redoing that permutation must give back each side exactly.
                var heads = tensorName.Contains("attn_q", StringComparison.Ordinal) ? hf.Config.NumHeads : hf.Config.NumKvHeads;
                var rowBytes = (int)h.RowBytes;
                Assert.That(h.Bytes.SequenceEqual(g.Bytes), Is.False, tensorName + " should differ before permutation");
                var permuted = new byte[h.ByteLength];
                LlamaRopePermutation.Permute(h.Bytes, permuted, rowBytes, heads);
                Assert.That(g.Bytes.SequenceEqual(permuted), Is.True, tensorName);
                var unpermuted = new byte[g.ByteLength];
                LlamaRopePermutation.Unpermute(g.Bytes, unpermuted, rowBytes, heads);
                Assert.That(h.Bytes.SequenceEqual(unpermuted), Is.True, tensorName);
                permutedChecked++;
            }
            else
            {
                Assert.That(h.Bytes.SequenceEqual(g.Bytes), Is.True, tensorName + " bytes");
            }
        }
        Assert.That(permutedChecked, Is.EqualTo(hf.Config.Architecture == "llama" ? 2 * hf.Config.NumLayers : 0));
    }

    [Test]
    public void ShardedQwen2_MapsBothShards()
    {
        using var hf = HuggingFaceModel.Open(TestData.Directory("archs/hf/tiny-qwen2"));
        Assert.That(hf.Shards, Has.Count.EqualTo(2));
        Assert.That(hf.Shards.Select(s => Path.GetFileName(s.SourcePath)),
            Is.EquivalentTo(new[] { "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors" }));
        Assert.That(hf.FindStoredName("blk.0.attn_q.bias"), Is.EqualTo("model.layers.0.self_attn.q_proj.bias"));
        Assert.That(hf.TryGetTensor("blk.0.attn_q.bias", out var first), Is.True);
        Assert.That(hf.TryGetTensor("output_norm.weight", out var last), Is.True);
        Assert.That(first.Shape, Is.EqualTo(new long[] { 128 }));
        Assert.That(last.Shape, Is.EqualTo(new long[] { 128 }));
        Assert.That(hf.Shards[0].FindTensor("model.layers.0.self_attn.q_proj.bias"), Is.Not.Null);
        Assert.That(hf.Shards[1].FindTensor("model.norm.weight"), Is.Not.Null);
        Assert.That(hf.TryGetTensor("output.weight", out _), Is.False, "tied embeddings: no lm_head");
    }

    [Test]
    public void TensorNames_MapBothWays()
    {
        string[] hfNames =
        [
            "model.embed_tokens.weight", "model.norm.weight", "lm_head.weight",
            "model.layers.0.input_layernorm.weight", "model.layers.11.self_attn.q_proj.weight", "model.layers.1.self_attn.q_proj.bias",
            "model.layers.1.self_attn.k_proj.weight", "model.layers.1.self_attn.k_proj.bias", "model.layers.1.self_attn.v_proj.weight",
            "model.layers.1.self_attn.v_proj.bias", "model.layers.2.self_attn.o_proj.weight", "model.layers.2.self_attn.q_norm.weight",
            "model.layers.2.self_attn.k_norm.weight", "model.layers.3.post_attention_layernorm.weight", "model.layers.3.mlp.gate_proj.weight",
            "model.layers.3.mlp.up_proj.weight", "model.layers.3.mlp.down_proj.weight",
        ];
        foreach (var name in hfNames)
        {
            var gguf = HuggingFaceTensorNames.ToGguf(name);
            Assert.That(gguf, Is.Not.Null, name);
            Assert.That(HuggingFaceTensorNames.ToHuggingFace(gguf!, "llama"), Is.EqualTo(name));
        }
        Assert.That(HuggingFaceTensorNames.ToGguf("model.layers.11.self_attn.q_proj.weight"), Is.EqualTo("blk.11.attn_q.weight"));
        Assert.That(HuggingFaceTensorNames.ToGguf("model.layers.4.self_attn.qkv_proj.weight"), Is.EqualTo("blk.4.attn_qkv.weight"));
        Assert.That(HuggingFaceTensorNames.ToGguf("model.layers.4.mlp.gate_up_proj.weight"), Is.EqualTo("blk.4.ffn_up.weight"));
        Assert.That(HuggingFaceTensorNames.ToHuggingFace("blk.4.ffn_up.weight", "phi3"), Is.EqualTo("model.layers.4.mlp.gate_up_proj.weight"));
        Assert.That(HuggingFaceTensorNames.ToHuggingFace("blk.4.attn_qkv.weight", "phi3"), Is.EqualTo("model.layers.4.self_attn.qkv_proj.weight"));
        Assert.That(HuggingFaceTensorNames.ToGguf("model.layers.04.mlp.up_proj.weight"), Is.Null);
        Assert.That(HuggingFaceTensorNames.ToGguf("model.layers.0.self_attn.rotary_emb.inv_freq"), Is.Null);
        Assert.That(HuggingFaceTensorNames.ToHuggingFace("rope_freqs.weight", "llama"), Is.Null);
    }
}
