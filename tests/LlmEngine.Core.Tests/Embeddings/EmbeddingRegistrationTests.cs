using LlmEngine.Composition;
using LlmEngine.Embeddings;
using LlmEngine.Tests.Infrastructure;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace LlmEngine.Tests.Embeddings;

/// <summary><c>services.AddLlmEngine(...)</c> registers an <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> for encoders and decoders alike.</summary>
public sealed class EmbeddingRegistrationTests
{
    private static void Small(LocalModelOptions options)
    {
        options.Engine.NumThreads = 1;
        options.Engine.MaxNumSeqs = 4;
        options.Engine.MaxNumBatchedTokens = 256;
        options.KVCacheMemoryBytes = 4 << 20;
    }

    [Test]
    public async Task InjectedGeneratorEmbedsWithTheConfiguredPoolingAndMiddleware()
    {
        var wrapped = 0;
        var services = new ServiceCollection();
        services.AddLlmEngine("bert", o =>
        {
            o.Model = TinyBert.GgufPath;
            Small(o);
        })
            .ConfigureEmbeddingGenerator(o => o.Pooling = PoolingType.Mean)
            .UseEmbeddingGenerator((inner, _) =>
            {
                wrapped++;
                return new DelegatingTestGenerator(inner);
            });
        await using var provider = services.BuildServiceProvider();
        var generator = provider.GetRequiredKeyedService<IEmbeddingGenerator<string, Embedding<float>>>("bert");
        Assert.That(generator, Is.InstanceOf<DelegatingTestGenerator>());
        Assert.That(wrapped, Is.EqualTo(1));

        var injected = await generator.GenerateAsync(TinyBert.Sentences);
        using var direct = new LlmEngineEmbeddingGenerator(provider.GetRequiredKeyedService<LocalModel>("bert"),
            new LlmEngineEmbeddingGeneratorOptions { Pooling = PoolingType.Mean });
        var expected = await direct.GenerateAsync(TinyBert.Sentences);
        for (var i = 0; i < expected.Count; i++)
        {
            EmbeddingAssert.Close(injected[i].Vector.Span, expected[i].Vector.Span, 1e-7, $"sentence {i}");
        }
        Assert.That(generator.GetService<LlmEngineEmbeddingGenerator>()!.Pooling, Is.EqualTo(PoolingType.Mean));
    }

    [Test]
    public async Task DecoderModelServesChatAndEmbeddings()
    {
        var services = new ServiceCollection();
        services.AddLlmEngine(o =>
        {
            o.Model = TestData.File("stories260K.gguf");
            Small(o);
        });
        await using var provider = services.BuildServiceProvider();
        var generator = provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        var embeddings = await generator.GenerateAsync(["Once upon a time", "Lily"]);
        Assert.That(embeddings, Has.Count.EqualTo(2));
        Assert.That(embeddings[0].Dimensions, Is.EqualTo(64));
        Assert.That(provider.GetRequiredService<LocalModel>().SupportsTextGeneration, Is.True);
    }

    [Test]
    public async Task EncoderModelHasNoEngineToResolve()
    {
        var services = new ServiceCollection();
        services.AddLlmEngine(o =>
        {
            o.Model = TinyBert.GgufPath;
            Small(o);
        });
        await using var provider = services.BuildServiceProvider();
        Assert.That(provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>(), Is.Not.Null);
        Assert.That(() => provider.GetRequiredService<ILlmEngine>(), Throws.InvalidOperationException.With.Message.Contains("encoder-only"));
    }

    private sealed class DelegatingTestGenerator(IEmbeddingGenerator<string, Embedding<float>> inner)
        : DelegatingEmbeddingGenerator<string, Embedding<float>>(inner);
}
