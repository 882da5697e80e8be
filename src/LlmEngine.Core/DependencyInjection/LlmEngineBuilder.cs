using LlmEngine.Chat;
using LlmEngine.Embeddings;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace LlmEngine.DependencyInjection;

/// <summary>
/// Returned by <see cref="LlmEngineServiceCollectionExtensions.AddLlmEngine(IServiceCollection, Action{Composition.LocalModelOptions})"/>:
/// configures the registered <see cref="IChatClient"/> and <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> of one
/// model (their settings, and the M.E.AI middleware around them).
/// </summary>
public sealed class LlmEngineBuilder
{
    private readonly List<Func<IChatClient, IServiceProvider, IChatClient>> _pipeline = [];
    private readonly List<Func<IEmbeddingGenerator<string, Embedding<float>>, IServiceProvider, IEmbeddingGenerator<string, Embedding<float>>>> _embeddingPipeline = [];

    internal LlmEngineBuilder(IServiceCollection services, object? serviceKey)
    {
        Services = services;
        ServiceKey = serviceKey;
    }

    /// <summary>The service collection the model was added to.</summary>
    public IServiceCollection Services { get; }

    /// <summary>The key of a keyed registration (<c>AddLlmEngine("qwen", ...)</c>), or null.</summary>
    public object? ServiceKey { get; }

    internal LlmEngineChatClientOptions ChatClientOptions { get; } = new();

    internal LlmEngineEmbeddingGeneratorOptions EmbeddingGeneratorOptions { get; } = new();

    /// <summary>Sets the chat client's options (model id, tool-call format, default sampling parameters, template variables).</summary>
    public LlmEngineBuilder ConfigureChatClient(Action<LlmEngineChatClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        configure(ChatClientOptions);
        return this;
    }

    /// <summary>
    /// Wraps the registered <see cref="IChatClient"/> in middleware, for example
    /// <c>(client, services) =&gt; client.AsBuilder().UseFunctionInvocation().UseLogging().Build(services)</c>.
    /// Several calls wrap in order: the first is innermost.
    /// </summary>
    public LlmEngineBuilder UseChatClient(Func<IChatClient, IServiceProvider, IChatClient> wrap)
    {
        ArgumentNullException.ThrowIfNull(wrap);
        _pipeline.Add(wrap);
        return this;
    }

    /// <summary>Sets the embedding generator's options (model id, pooling, normalization).</summary>
    public LlmEngineBuilder ConfigureEmbeddingGenerator(Action<LlmEngineEmbeddingGeneratorOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        configure(EmbeddingGeneratorOptions);
        return this;
    }

    /// <summary>
    /// Wraps the registered embedding generator in middleware, for example
    /// <c>(generator, services) =&gt; generator.AsBuilder().UseDistributedCache().Build(services)</c>.
    /// Several calls wrap in order: the first is innermost.
    /// </summary>
    public LlmEngineBuilder UseEmbeddingGenerator(Func<IEmbeddingGenerator<string, Embedding<float>>, IServiceProvider, IEmbeddingGenerator<string, Embedding<float>>> wrap)
    {
        ArgumentNullException.ThrowIfNull(wrap);
        _embeddingPipeline.Add(wrap);
        return this;
    }

    internal IEmbeddingGenerator<string, Embedding<float>> BuildEmbeddingGenerator(LlmEngineEmbeddingGenerator generator, IServiceProvider services)
    {
        IEmbeddingGenerator<string, Embedding<float>> result = generator;
        foreach (var wrap in _embeddingPipeline)
        {
            result = wrap(result, services) ?? throw new InvalidOperationException("A UseEmbeddingGenerator callback of AddLlmEngine returned null; it must return an embedding generator.");
        }
        return result;
    }

    internal IChatClient BuildChatClient(LlmEngineChatClient client, IServiceProvider services)
    {
        IChatClient result = client;
        foreach (var wrap in _pipeline)
        {
            result = wrap(result, services) ?? throw new InvalidOperationException("A UseChatClient callback of AddLlmEngine returned null; it must return a chat client.");
        }
        return result;
    }
}
