using LlmEngine.Chat;
using LlmEngine.Composition;
using LlmEngine.DependencyInjection;
using LlmEngine.Embeddings;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers LlmEngine models with dependency injection: <c>services.AddLlmEngine(o =&gt; o.Model = "model.gguf")</c>.</summary>
public static class LlmEngineServiceCollectionExtensions
{
    /// <summary>
    /// Registers one model: <see cref="LocalModel"/> (a singleton, loaded on first use and disposed with the
    /// container), its <see cref="ILlmEngine"/>, an <see cref="IChatClient"/> over it and an
    /// <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> of <c>string</c> to <c>Embedding&lt;float&gt;</c>. An
    /// encoder-only (bert) model serves the embedding generator only; resolving its chat client or engine throws.
    /// The options are checked now, so a wrong path or setting fails at startup rather than on the first request.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the model path and engine settings.</param>
    /// <returns>A builder to configure the chat client and its middleware.</returns>
    /// <exception cref="ArgumentException">An option is missing or invalid, or the model path does not exist.</exception>
    /// <exception cref="InvalidOperationException">A model is already registered without a key.</exception>
    public static LlmEngineBuilder AddLlmEngine(this IServiceCollection services, Action<LocalModelOptions> configure) =>
        Add(services, serviceKey: null, Configure(configure));

    /// <summary>Registers a model from options built elsewhere (for example bound from configuration); otherwise as <see cref="AddLlmEngine(IServiceCollection, Action{LocalModelOptions})"/>.</summary>
    /// <exception cref="ArgumentException">An option is missing or invalid, or the model path does not exist.</exception>
    public static LlmEngineBuilder AddLlmEngine(this IServiceCollection services, LocalModelOptions options) =>
        Add(services, serviceKey: null, Validated(options));

    /// <summary>
    /// Registers one of several models under <paramref name="serviceKey"/>: inject it with
    /// <c>[FromKeyedServices("qwen")] IChatClient</c> (or <see cref="ILlmEngine"/>, <see cref="LocalModel"/>).
    /// </summary>
    /// <exception cref="ArgumentException">An option is missing or invalid, or the model path does not exist.</exception>
    /// <exception cref="InvalidOperationException">A model is already registered under this key.</exception>
    public static LlmEngineBuilder AddLlmEngine(this IServiceCollection services, object serviceKey, Action<LocalModelOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(serviceKey);
        return Add(services, serviceKey, Configure(configure));
    }

    /// <summary>Registers a keyed model from options built elsewhere; otherwise as <see cref="AddLlmEngine(IServiceCollection, object, Action{LocalModelOptions})"/>.</summary>
    public static LlmEngineBuilder AddLlmEngine(this IServiceCollection services, object serviceKey, LocalModelOptions options)
    {
        ArgumentNullException.ThrowIfNull(serviceKey);
        return Add(services, serviceKey, Validated(options));
    }

    private static LocalModelOptions Configure(Action<LocalModelOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var options = new LocalModelOptions();
        configure(options);
        return Validated(options);
    }

    private static LocalModelOptions Validated(LocalModelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (!File.Exists(options.Model) && !Directory.Exists(options.Model))
        {
            throw new ArgumentException($"LocalModelOptions.Model is '{options.Model}', which is neither a file nor a folder (full path: {Path.GetFullPath(options.Model!)}).", nameof(options));
        }
        return options;
    }

    private static LlmEngineBuilder Add(IServiceCollection services, object? serviceKey, LocalModelOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        foreach (var existing in services)
        {
            if (existing.ServiceType == typeof(LocalModel) && Equals(existing.ServiceKey, serviceKey))
            {
                throw new InvalidOperationException(serviceKey is null
                    ? "AddLlmEngine was already called without a key; register further models with AddLlmEngine(key, ...)."
                    : $"AddLlmEngine was already called with the key '{serviceKey}'; each model needs its own key.");
            }
        }
        var builder = new LlmEngineBuilder(services, serviceKey);
        services.AddKeyedSingleton(serviceKey, (sp, _) => LocalModel.Load(options, sp.GetService<ILoggerFactory>()));
        // The container disposes this engine before its LocalModel; both disposals are idempotent.
        services.AddKeyedSingleton(serviceKey, (sp, key) => sp.GetRequiredKeyedService<LocalModel>(key).Engine);
        services.AddKeyedSingleton(serviceKey, (sp, key) =>
        {
            var model = sp.GetRequiredKeyedService<LocalModel>(key);
            return builder.BuildChatClient(new LlmEngineChatClient(model, builder.ChatClientOptions), sp);
        });
        services.AddKeyedSingleton(serviceKey, (sp, key) =>
        {
            var model = sp.GetRequiredKeyedService<LocalModel>(key);
            return builder.BuildEmbeddingGenerator(new LlmEngineEmbeddingGenerator(model, builder.EmbeddingGeneratorOptions), sp);
        });
        return builder;
    }
}
