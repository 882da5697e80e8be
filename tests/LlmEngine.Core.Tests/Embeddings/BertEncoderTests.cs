using LlmEngine.Composition;
using LlmEngine.Embeddings;
using LlmEngine.Execution.Cpu.Encoder;
using LlmEngine.Models;
using LlmEngine.Models.HuggingFace;
using NUnit.Framework;

namespace LlmEngine.Tests.Embeddings;

/// <summary>
/// The BERT encoder on a random-weight model with the real bge vocabulary: the configuration read from GGUF and from
/// a Transformers folder, the float32 pass against a double-precision reference, and the two formats against each other.
/// </summary>
public class BertEncoderTests
{
    private const double ReferenceTolerance = 1e-4;

    private LocalModel _model = null!;

    [OneTimeSetUp]
    public void LoadModel() => _model = LocalModel.Load(new LocalModelOptions
    {
        Model = TinyBert.GgufPath,
        Engine = new LlmEngineOptions { NumThreads = 2 },
    });

    [OneTimeTearDown]
    public void DisposeModel() => _model?.Dispose();

    [Test]
    public void GgufAndFolderGiveTheSameEncoderConfiguration()
    {
        using var folder = HuggingFaceModel.Open(TinyBert.FolderPath);
        foreach (var (config, what) in new[] { (_model.Config, "gguf"), (folder.Config, "folder") })
        {
            Assert.Multiple(() =>
            {
                Assert.That(config.Architecture, Is.EqualTo("bert"), what);
                Assert.That(config.IsEncoderOnly, Is.True, what);
                Assert.That(config.VocabularySize, Is.EqualTo(30522), what);
                Assert.That(config.HiddenSize, Is.EqualTo(TinyBert.Hidden), what);
                Assert.That(config.NumLayers, Is.EqualTo(2), what);
                Assert.That(config.NumHeads, Is.EqualTo(4), what);
                Assert.That(config.HeadDim, Is.EqualTo(8), what);
                Assert.That(config.IntermediateSize, Is.EqualTo(64), what);
                Assert.That(config.ContextLength, Is.EqualTo(TinyBert.Context), what);
                Assert.That(config.LayerNormEpsilon, Is.EqualTo(1e-12f), what);
                Assert.That(config.TokenTypeCount, Is.EqualTo(2), what);
                Assert.That(config.Pooling, Is.EqualTo(PoolingType.Cls), what);
            });
        }
        Assert.That(folder.UnmappedTensorNames, Is.Empty);
        Assert.That(folder.TensorNames, Is.EquivalentTo(_model.Model.Tensors.TensorNames));
    }

    [Test]
    public void TokenizesWithClsAndSep()
    {
        var ids = _model.Tokenizer.Encode("hello world");
        Assert.That(ids, Is.EqualTo(new[] { 101, 7592, 2088, 102 }));
    }

    [Test]
    public void HiddenStatesMatchADoublePrecisionReference()
    {
        var reference = new BertReference(_model.Model.Tensors, _model.Config);
        using var encoder = new BertEncoder(_model.Model.Tensors, _model.Config, maxBatchTokens: 256, threadCount: 2);
        var inputs = TinyBert.Sentences.Select(s => _model.Tokenizer.Encode(s)).ToArray();
        var batch = new LlmEngine.Execution.ForwardBatch(256, inputs.Length);
        var t = 0;
        for (var s = 0; s < inputs.Length; s++)
        {
            for (var i = 0; i < inputs[s].Length; i++, t++)
            {
                batch.TokenIds[t] = inputs[s][i];
                batch.Positions[t] = i;
                batch.LogitsIndices[t] = t;
            }
            batch.QueryStart[s + 1] = t;
        }
        batch.NumTokens = t;
        batch.NumSequences = inputs.Length;
        batch.NumLogits = t;
        var hidden = new float[t * TinyBert.Hidden];
        encoder.ExecuteHidden(batch, hidden);

        var row = 0;
        for (var s = 0; s < inputs.Length; s++)
        {
            var expected = reference.HiddenStates(inputs[s]);
            for (var i = 0; i < expected.Length; i++, row++)
            {
                EmbeddingAssert.Close(hidden.AsSpan(row * TinyBert.Hidden, TinyBert.Hidden), expected[i], ReferenceTolerance, $"sentence {s} token {i}");
            }
        }
    }

    [TestCase(PoolingType.Cls)]
    [TestCase(PoolingType.Mean)]
    [TestCase(PoolingType.Last)]
    public async Task PooledEmbeddingsMatchTheReference(PoolingType pooling)
    {
        var reference = new BertReference(_model.Model.Tensors, _model.Config);
        using var generator = new LlmEngineEmbeddingGenerator(_model, new LlmEngineEmbeddingGeneratorOptions { Pooling = pooling });
        var embeddings = await generator.GenerateAsync(TinyBert.Sentences);
        Assert.That(embeddings, Has.Count.EqualTo(TinyBert.Sentences.Length));
        for (var s = 0; s < TinyBert.Sentences.Length; s++)
        {
            var states = reference.HiddenStates(_model.Tokenizer.Encode(TinyBert.Sentences[s]));
            var pooled = pooling switch
            {
                PoolingType.Cls => states[0],
                PoolingType.Last => states[^1],
                _ => Enumerable.Range(0, TinyBert.Hidden).Select(i => states.Average(r => r[i])).ToArray(),
            };
            EmbeddingAssert.Close(embeddings[s].Vector.Span, EmbeddingAssert.Normalized(pooled), ReferenceTolerance, $"{pooling} sentence {s}");
            EmbeddingAssert.UnitNorm(embeddings[s].Vector.Span, $"sentence {s}");
        }
    }

    [Test]
    public async Task GgufAndHuggingFaceFolderEmbedTheSame()
    {
        await using var folder = LocalModel.Load(new LocalModelOptions { Model = TinyBert.FolderPath, Engine = new LlmEngineOptions { NumThreads = 2 } });
        Assert.That(folder.Model.Format, Is.EqualTo(ModelFormat.HuggingFace));
        foreach (var pooling in new PoolingType?[] { null, PoolingType.Mean })
        {
            var options = pooling is null ? null : new LlmEngineEmbeddingGeneratorOptions { Pooling = pooling };
            using var gguf = new LlmEngineEmbeddingGenerator(_model, options);
            using var hf = new LlmEngineEmbeddingGenerator(folder, options);
            Assert.That(hf.Pooling, Is.EqualTo(pooling ?? PoolingType.Cls), "pooling read from 1_Pooling/config.json");
            var a = await gguf.GenerateAsync(TinyBert.Sentences);
            var b = await hf.GenerateAsync(TinyBert.Sentences);
            Assert.That(b.Usage?.InputTokenCount, Is.EqualTo(a.Usage?.InputTokenCount));
            for (var i = 0; i < a.Count; i++)
            {
                EmbeddingAssert.Close(b[i].Vector.Span, a[i].Vector.Span, 1e-4, $"{pooling?.ToString() ?? "declared"} pooling, sentence {i}");
            }
        }
    }

    [Test]
    public void FolderTokenizerJsonTokenizesAsTheGguf()
    {
        var tokenizer = LlmEngine.Tokenization.TokenizerFactory.FromHuggingFace(
            Path.Combine(TinyBert.FolderPath, "tokenizer.json"), Path.Combine(TinyBert.FolderPath, "tokenizer_config.json"));
        var cases = LlmEngine.Tests.Tokenization.VocabTestCases.Read("bert-bge");
        Assert.That(cases, Has.Count.GreaterThan(10));
        foreach (var (input, expected) in cases)
        {
            Assert.That(tokenizer.Encode(input, addSpecialTokens: false), Is.EqualTo(expected), input);
            Assert.That(tokenizer.Encode(input), Is.EqualTo(_model.Tokenizer.Encode(input)), input);
        }
    }

    [Test]
    public void DecoderExecutorRefusesAnEncoder()
    {
        var error = Assert.Throws<ModelLoadException>(() => new LlmEngine.Execution.Cpu.CpuModelExecutor(_model.Model));
        Assert.That(error!.Message, Does.Contain("encoder-only"));
    }
}
