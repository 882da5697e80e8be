using LlmEngine.Models;
using LlmEngine.Models.Gguf;
using LlmEngine.Models.Quantization;
using LlmEngine.Models.Synthesis;
using LlmEngine.Tests.Infrastructure;
using NUnit.Framework;

namespace LlmEngine.Tests.Synthesis;

public class SyntheticModelWriterTests
{
    private string _dir = null!;

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("llmengine-synth-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    /// <summary>SmolLM2's layout (llama, tied) at a size a test can write in well under a second.</summary>
    private static SyntheticModelSpec SmallLlama => SyntheticModelSpec.SmolLM2_135M with
    {
        Name = "tiny-smollm2",
        EmbeddingLength = 256,
        BlockCount = 2,
        HeadCount = 4,
        HeadCountKv = 2,
        HeadDimension = 64,
        FeedForwardLength = 512,
    };

    /// <summary>stories260K's 512-token SentencePiece vocabulary: small enough that the embedding costs nothing.</summary>
    private static string SmallVocabulary => TestData.File("stories260K.gguf");

    [Test]
    public void SmallLlamaQ4KM_OpensWithLlamaCppNamesTypesShapesAndMetadata()
    {
        var spec = SmallLlama;
        var vocab = SmallVocabulary;
        var path = Path.Combine(_dir, "llama.gguf");
        var reports = new List<double>();
        SyntheticModelWriter.WriteGguf(spec, vocab, GgmlType.Q4_K, path, new SynchronousProgress(reports.Add), seed: 1);

        using var file = GgufFile.Open(path);
        using var vocabFile = GgufFile.Open(vocab);
        var md = file.Metadata;
        Assert.That(md.Architecture, Is.EqualTo("llama"));
        Assert.That(md.Name, Is.EqualTo("tiny-smollm2"));
        Assert.That(md.FileType, Is.EqualTo(15), "LLAMA_FTYPE_MOSTLY_Q4_K_M");
        AssertKey(md, "general.quantization_version", GgufValueType.UInt32, 2);
        AssertKey(md, "llama.context_length", GgufValueType.UInt32, 8192);
        AssertKey(md, "llama.embedding_length", GgufValueType.UInt32, 256);
        AssertKey(md, "llama.block_count", GgufValueType.UInt32, 2);
        AssertKey(md, "llama.feed_forward_length", GgufValueType.UInt32, 512);
        AssertKey(md, "llama.attention.head_count", GgufValueType.UInt32, 4);
        AssertKey(md, "llama.attention.head_count_kv", GgufValueType.UInt32, 2);
        AssertKey(md, "llama.rope.dimension_count", GgufValueType.UInt32, 64);
        AssertKey(md, "llama.vocab_size", GgufValueType.UInt32, 512);
        Assert.That(md.GetValueType("llama.rope.freq_base"), Is.EqualTo(GgufValueType.Float32));
        Assert.That(md.RopeFreqBase, Is.EqualTo(100000.0));
        Assert.That(md.GetValueType("llama.attention.layer_norm_rms_epsilon"), Is.EqualTo(GgufValueType.Float32));
        Assert.That(md.GetFloat("llama.attention.layer_norm_rms_epsilon"), Is.EqualTo((double)1e-5f));
        Assert.That(md.Tokens, Is.EqualTo(vocabFile.Metadata.Tokens));
        Assert.That(md.TokenizerModel, Is.EqualTo(vocabFile.Metadata.TokenizerModel));
        Assert.That(md.BosTokenId, Is.EqualTo(vocabFile.Metadata.BosTokenId));

        // Tied embeddings: no output.weight, and the embedding takes output's Q6_K. Layer 1 of 2 is a use_more_bits layer.
        var expected = new (string Name, GgmlType Type, long[] Shape)[]
        {
            ("token_embd.weight", GgmlType.Q6_K, [256, 512]),
            ("blk.0.attn_norm.weight", GgmlType.F32, [256]),
            ("blk.0.attn_q.weight", GgmlType.Q4_K, [256, 256]),
            ("blk.0.attn_k.weight", GgmlType.Q4_K, [256, 128]),
            ("blk.0.attn_v.weight", GgmlType.Q4_K, [256, 128]),
            ("blk.0.attn_output.weight", GgmlType.Q4_K, [256, 256]),
            ("blk.0.ffn_norm.weight", GgmlType.F32, [256]),
            ("blk.0.ffn_gate.weight", GgmlType.Q4_K, [256, 512]),
            ("blk.0.ffn_up.weight", GgmlType.Q4_K, [256, 512]),
            ("blk.0.ffn_down.weight", GgmlType.Q4_K, [512, 256]),
            ("blk.1.attn_norm.weight", GgmlType.F32, [256]),
            ("blk.1.attn_q.weight", GgmlType.Q4_K, [256, 256]),
            ("blk.1.attn_k.weight", GgmlType.Q4_K, [256, 128]),
            ("blk.1.attn_v.weight", GgmlType.Q6_K, [256, 128]),
            ("blk.1.attn_output.weight", GgmlType.Q4_K, [256, 256]),
            ("blk.1.ffn_norm.weight", GgmlType.F32, [256]),
            ("blk.1.ffn_gate.weight", GgmlType.Q4_K, [256, 512]),
            ("blk.1.ffn_up.weight", GgmlType.Q4_K, [256, 512]),
            ("blk.1.ffn_down.weight", GgmlType.Q6_K, [512, 256]),
            ("output_norm.weight", GgmlType.F32, [256]),
        };
        Assert.That(file.Tensors.Select(t => t.Name), Is.EqualTo(expected.Select(e => e.Name)));
        foreach (var (name, type, shape) in expected)
        {
            var info = file.FindTensor(name)!;
            Assert.That(info.Type, Is.EqualTo(type), name);
            Assert.That(info.Shape, Is.EqualTo(shape), name);
        }
        Assert.That(reports, Is.Not.Empty);
        Assert.That(reports[^1], Is.EqualTo(1.0).Within(1e-9));

        var (mean, std) = Statistics(file, "blk.0.ffn_gate.weight");
        Assert.That(mean, Is.EqualTo(0).Within(0.002));
        Assert.That(std, Is.EqualTo(0.02).Within(0.002));
        (mean, std) = Statistics(file, "blk.0.attn_norm.weight");
        Assert.That(mean, Is.EqualTo(1).Within(0.005));
        Assert.That(std, Is.LessThan(0.05));
    }

    [Test]
    public void SmallQwen2_HasBiasesAndFallsBackWhereRowsAreNotMultiplesOf256()
    {
        var spec = SyntheticModelSpec.Qwen2_5_0_5B with
        {
            Name = "tiny-qwen2",
            EmbeddingLength = 128,
            BlockCount = 1,
            HeadCount = 2,
            HeadCountKv = 1,
            FeedForwardLength = 256,
        };
        var path = Path.Combine(_dir, "qwen2.gguf");
        SyntheticModelWriter.WriteGguf(spec, SmallVocabulary, GgmlType.Q4_K, path, seed: 2);

        using var file = GgufFile.Open(path);
        var md = file.Metadata;
        Assert.That(md.Architecture, Is.EqualTo("qwen2"));
        AssertKey(md, "qwen2.block_count", GgufValueType.UInt32, 1);
        AssertKey(md, "qwen2.vocab_size", GgufValueType.UInt32, 512);
        Assert.That(md.GetFloat("qwen2.attention.layer_norm_rms_epsilon"), Is.EqualTo((double)1e-6f));
        Assert.That(md.GetFloat("qwen2.rope.freq_base"), Is.EqualTo(1e6));
        // Rows of 128 cannot hold a 256-element k-quant block: llama-quantize uses Q5_0 for Q4_K and Q8_0 for Q6_K.
        Assert.That(file.FindTensor("token_embd.weight")!.Type, Is.EqualTo(GgmlType.Q8_0));
        Assert.That(file.FindTensor("blk.0.attn_q.weight")!.Type, Is.EqualTo(GgmlType.Q5_0));
        Assert.That(file.FindTensor("blk.0.attn_v.weight")!.Type, Is.EqualTo(GgmlType.Q8_0));
        Assert.That(file.FindTensor("blk.0.ffn_down.weight")!.Type, Is.EqualTo(GgmlType.Q6_K));
        foreach (var (bias, length) in new[] { ("attn_q", 128L), ("attn_k", 64L), ("attn_v", 64L) })
        {
            var info = file.FindTensor($"blk.0.{bias}.bias")!;
            Assert.That(info.Type, Is.EqualTo(GgmlType.F32));
            Assert.That(info.Shape, Is.EqualTo(new[] { length }));
        }
        Assert.That(file.FindTensor("output.weight"), Is.Null);
    }

    [Test]
    public void SmallLlama3_WritesRopeFreqsAndIsDeterministic()
    {
        var spec = SyntheticModelSpec.Llama3_2_1B with
        {
            Name = "tiny-llama3",
            EmbeddingLength = 64,
            BlockCount = 1,
            HeadCount = 4,
            HeadCountKv = 1,
            HeadDimension = 32,
            FeedForwardLength = 128,
            TiedEmbeddings = false,
        };
        var vocab = SmallVocabulary;
        var first = Path.Combine(_dir, "a.gguf");
        var second = Path.Combine(_dir, "b.gguf");
        SyntheticModelWriter.WriteGguf(spec, vocab, GgmlType.Q8_0, first, seed: 3);
        SyntheticModelWriter.WriteGguf(spec, vocab, GgmlType.Q8_0, second, seed: 3, maxDegreeOfParallelism: 1);
        Assert.That(File.ReadAllBytes(second), Is.EqualTo(File.ReadAllBytes(first)), "same seed, any thread count: same bytes");

        using var file = GgufFile.Open(first);
        AssertKey(file.Metadata, "llama.attention.key_length", GgufValueType.UInt32, 32);
        Assert.That(file.FindTensor("output.weight")!.Type, Is.EqualTo(GgmlType.Q8_0));
        Assert.That(file.FindTensor("token_embd.weight")!.Type, Is.EqualTo(GgmlType.Q8_0));
        file.TryGetTensor("rope_freqs.weight", out var rope);
        Assert.That(rope.Type, Is.EqualTo(GgmlType.F32));
        Assert.That(rope.Shape, Is.EqualTo(new long[] { 16 }));
        var divisors = new float[16];
        Dequantizer.Dequantize(GgmlType.F32, rope.Bytes, divisors);
        Assert.That(divisors[0], Is.EqualTo(1f), "high frequencies are kept");
        Assert.That(divisors[^1], Is.EqualTo(32f), "low frequencies are divided by the factor");
        Assert.That(divisors, Is.Ordered.Ascending);
    }

    [Test]
    public void CatalogVocabulary_IsCopiedWithItsValueTypes()
    {
        // The real 50,257-token gpt-2 vocabulary at the narrowest width, to keep the embedding small.
        var spec = SmallLlama with { EmbeddingLength = 32, HeadCount = 1, HeadCountKv = 1, HeadDimension = 32, FeedForwardLength = 32, BlockCount = 1 };
        var vocab = TestData.File("vocab/" + spec.VocabularyFile);
        var path = Path.Combine(_dir, "gpt2.gguf");
        SyntheticModelWriter.WriteGguf(spec, vocab, GgmlType.F16, path, seed: 4);

        using var file = GgufFile.Open(path);
        using var vocabFile = GgufFile.Open(vocab);
        Assert.That(file.Metadata.FileType, Is.EqualTo(1), "LLAMA_FTYPE_MOSTLY_F16");
        Assert.That(file.Metadata.Contains("general.quantization_version"), Is.False);
        AssertKey(file.Metadata, "llama.vocab_size", GgufValueType.UInt32, 50257);
        var tokenizerKeys = vocabFile.Metadata.Keys.Where(k => k.StartsWith("tokenizer.", StringComparison.Ordinal)).ToList();
        Assert.That(tokenizerKeys, Is.Not.Empty);
        foreach (var key in tokenizerKeys)
        {
            Assert.That(file.Metadata.GetValueType(key), Is.EqualTo(vocabFile.Metadata.GetValueType(key)), key);
        }
        Assert.That(file.Metadata.Merges, Is.EqualTo(vocabFile.Metadata.Merges));
        Assert.That(file.FindTensor("token_embd.weight")!.Shape, Is.EqualTo(new long[] { 32, 50257 }));
        Assert.That(file.FindTensor("token_embd.weight")!.Type, Is.EqualTo(GgmlType.F16));
    }

    [Test]
    public void WriteGguf_RejectsUnsupportedWeightTypesAndBadSpecs()
    {
        var path = Path.Combine(_dir, "x.gguf");
        Assert.Throws<ArgumentException>(() => SyntheticModelWriter.WriteGguf(SmallLlama, "vocab.gguf", GgmlType.Q2_K, path));
        Assert.Throws<ArgumentException>(() => SyntheticModelWriter.WriteGguf(SmallLlama with { HeadCountKv = 3 }, "vocab.gguf", GgmlType.F16, path));
        Assert.That(File.Exists(path), Is.False);
    }

    private static void AssertKey(GgufMetadata md, string key, GgufValueType type, long value)
    {
        Assert.That(md.GetValueType(key), Is.EqualTo(type), key);
        Assert.That(md.GetInteger(key), Is.EqualTo(value), key);
    }

    private static (double Mean, double Std) Statistics(GgufFile file, string name)
    {
        file.TryGetTensor(name, out var tensor);
        var values = new float[tensor.ElementCount];
        Dequantizer.Dequantize(tensor.Type, tensor.Bytes, values);
        var mean = values.Average(v => (double)v);
        var variance = values.Average(v => (v - mean) * (v - mean));
        return (mean, Math.Sqrt(variance));
    }

    /// <summary>Reports on the writer's thread (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class SynchronousProgress(Action<double> report) : IProgress<double>
    {
        public void Report(double value) => report(value);
    }
}
