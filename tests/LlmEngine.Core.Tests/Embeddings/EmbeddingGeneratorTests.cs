using System.Numerics.Tensors;
using LlmEngine.Composition;
using LlmEngine.Embeddings;
using LlmEngine.Execution.Cpu.Encoder;
using Microsoft.Extensions.AI;
using NUnit.Framework;

namespace LlmEngine.Tests.Embeddings;

/// <summary>
/// <see cref="LlmEngineEmbeddingGenerator"/> on the random BERT: batching, Matryoshka dimensions, usage, bad input,
/// and a BERT <see cref="LocalModel"/> that serves embeddings without an engine.
/// </summary>
public class EmbeddingGeneratorTests
{
    private LocalModel _model = null!;
    private LlmEngineEmbeddingGenerator _generator = null!;

    [OneTimeSetUp]
    public void LoadModel()
    {
        _model = LocalModel.Load(new LocalModelOptions { Model = TinyBert.GgufPath, Engine = new LlmEngineOptions { NumThreads = 2 } });
        _generator = new LlmEngineEmbeddingGenerator(_model);
    }

    [OneTimeTearDown]
    public void DisposeModel()
    {
        _generator?.Dispose();
        _model?.Dispose();
    }

    /// <summary>64 inputs of 3 to 40 tokens: sentences cut at different word counts.</summary>
    private static string[] SixtyFourInputs()
    {
        var words = string.Join(' ', TinyBert.Sentences).Split(' ');
        return Enumerable.Range(0, 64).Select(i => string.Join(' ', words.Skip(i % words.Length).Take(1 + i * 7 % 23))).ToArray();
    }

    [Test]
    public async Task SixtyFourInputsInOneCallEqualEachAlone()
    {
        var inputs = SixtyFourInputs();
        var together = await _generator.GenerateAsync(inputs);
        Assert.That(together, Has.Count.EqualTo(64));
        for (var i = 0; i < inputs.Length; i++)
        {
            var alone = await _generator.GenerateAsync([inputs[i]]);
            EmbeddingAssert.Close(together[i].Vector.Span, alone[0].Vector.Span, 1e-6, $"input {i}");
        }
    }

    [Test]
    public async Task InputsSplitOverSeveralPassesEqualOnePass()
    {
        // 40 tokens a pass: the 64 inputs need many passes, some holding a single input.
        using var runner = new EmbeddingRunner(new BertEncoder(_model.Model.Tensors, _model.Config, maxBatchTokens: 40, threadCount: 2));
        using var small = new LlmEngineEmbeddingGenerator(runner, _model.Tokenizer, _model.Config, options: null, "small");
        var inputs = SixtyFourInputs().Where(s => _model.Tokenizer.Encode(s).Length <= 40).ToArray();
        Assert.That(inputs, Has.Length.GreaterThan(40));
        var many = await small.GenerateAsync(inputs);
        var one = await _generator.GenerateAsync(inputs);
        for (var i = 0; i < inputs.Length; i++)
        {
            EmbeddingAssert.Close(many[i].Vector.Span, one[i].Vector.Span, 1e-6, $"input {i}");
        }
    }

    [Test]
    public async Task ConcurrentCallsEachGetTheirOwnEmbeddings()
    {
        var inputs = SixtyFourInputs();
        var expected = await _generator.GenerateAsync(inputs);
        var calls = Enumerable.Range(0, 8).Select(c => Task.Run(() => _generator.GenerateAsync(inputs.Skip(c * 8).Take(8)))).ToArray();
        var results = await Task.WhenAll(calls);
        for (var c = 0; c < calls.Length; c++)
        {
            for (var i = 0; i < 8; i++)
            {
                EmbeddingAssert.Close(results[c][i].Vector.Span, expected[c * 8 + i].Vector.Span, 1e-6, $"call {c} input {i}");
            }
        }
    }

    [Test]
    public async Task ReportsUsageModelAndDimensions()
    {
        var embeddings = await _generator.GenerateAsync(TinyBert.Sentences);
        var tokens = TinyBert.Sentences.Sum(s => _model.Tokenizer.Encode(s).Length);
        Assert.Multiple(() =>
        {
            Assert.That(embeddings.Usage?.InputTokenCount, Is.EqualTo(tokens));
            Assert.That(embeddings.Usage?.TotalTokenCount, Is.EqualTo(tokens));
            Assert.That(embeddings.Select(e => e.ModelId), Is.All.EqualTo("tiny-bert"));
            Assert.That(embeddings.Select(e => e.Dimensions), Is.All.EqualTo(TinyBert.Hidden));
            Assert.That(_generator.Metadata.DefaultModelDimensions, Is.EqualTo(TinyBert.Hidden));
            Assert.That(_generator.Metadata.ProviderName, Is.EqualTo("llmengine"));
            Assert.That(_generator.GetService(typeof(EmbeddingGeneratorMetadata)), Is.SameAs(_generator.Metadata));
            Assert.That(_generator.Pooling, Is.EqualTo(PoolingType.Cls));
            Assert.That(_generator.MaxInputTokens, Is.EqualTo(TinyBert.Context));
        });
    }

    [Test]
    public async Task DimensionsTruncateThenRenormalize()
    {
        using var raw = new LlmEngineEmbeddingGenerator(_model, new LlmEngineEmbeddingGeneratorOptions { Normalize = false });
        var full = await raw.GenerateAsync(TinyBert.Sentences);
        var short16 = await _generator.GenerateAsync(TinyBert.Sentences, new EmbeddingGenerationOptions { Dimensions = 16 });
        for (var i = 0; i < full.Count; i++)
        {
            Assert.That(TensorPrimitives.Norm(full[i].Vector.Span), Is.Not.EqualTo(1f).Within(1e-3f), "unnormalized");
            var prefix = full[i].Vector.Span[..16].ToArray().Select(x => (double)x).ToArray();
            EmbeddingAssert.Close(short16[i].Vector.Span, EmbeddingAssert.Normalized(prefix), 1e-6, $"input {i}");
            EmbeddingAssert.UnitNorm(short16[i].Vector.Span, $"input {i}");
        }
    }

    [Test]
    public async Task EmptyInputListGivesAnEmptyResult()
    {
        var embeddings = await _generator.GenerateAsync([]);
        Assert.That(embeddings, Is.Empty);
        Assert.That(embeddings.Usage?.InputTokenCount, Is.EqualTo(0));
    }

    [Test]
    public async Task EmptyStringIsRejectedByIndex()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => _generator.GenerateAsync(["first", "second", ""]));
        Assert.That(error!.Message, Does.Contain("Input 2").And.Contain("empty"));
    }

    [Test]
    public async Task OverlongInputIsRejectedWithTheLimit()
    {
        var longText = string.Join(' ', Enumerable.Repeat("hello", TinyBert.Context));
        var error = await Assert.ThrowsAsync<ArgumentException>(() => _generator.GenerateAsync(["short", longText]));
        Assert.That(error!.Message, Does.Contain("Input 1").And.Contain($"{TinyBert.Context + 2} tokens").And.Contain($"limit is {TinyBert.Context}"));
    }

    [TestCase(1000)]
    [TestCase(TinyBert.Hidden + 1)]
    public async Task DimensionsOutsideTheModelAreRejected(int dimensions)
    {
        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            _generator.GenerateAsync(["text"], new EmbeddingGenerationOptions { Dimensions = dimensions }));
        Assert.That(error!.Message, Does.Contain(TinyBert.Hidden.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Test]
    public async Task AnotherModelIdIsRejected() =>
        await Assert.ThrowsAsync<ArgumentException>(() => _generator.GenerateAsync(["text"], new EmbeddingGenerationOptions { ModelId = "other" }));

    [Test]
    public void EncoderOnlyModelHasNoEngine()
    {
        Assert.That(_model.SupportsTextGeneration, Is.False);
        Assert.That(_model.KVCacheBytes, Is.EqualTo(0));
        var error = Assert.Throws<InvalidOperationException>(() => _ = _model.Engine);
        Assert.That(error!.Message, Does.Contain("encoder-only").And.Contain("LlmEngineEmbeddingGenerator"));
    }
}
