using LlmEngine.Chat;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace LlmEngine.DependencyInjection;

/// <summary>
/// Returned by <see cref="LlmEngineServiceCollectionExtensions.AddLlmEngine(IServiceCollection, Action{Composition.LocalModelOptions})"/>:
/// configures the registered <see cref="IChatClient"/> of one model (its settings, and the M.E.AI middleware around it).
/// </summary>
public sealed class LlmEngineBuilder
{
    private readonly List<Func<IChatClient, IServiceProvider, IChatClient>> _pipeline = [];

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
