using System.Net;
using LlmEngine.Chat;
using LlmEngine.Composition;
using LlmEngine.Hosting.Tests.Fakes;
using LlmEngine.Templates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlmEngine.Hosting.Tests.Infrastructure;

/// <summary>
/// An app serving <c>MapOpenAiEndpoints()</c>, in memory (<see cref="TestServer"/>) or on Kestrel at 127.0.0.1 on a
/// free port (for the real OpenAI clients), over a scripted engine or a real model.
/// </summary>
internal sealed class TestHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly IAsyncDisposable? _owned;
    private readonly ILlmEngine? _engine;

    private TestHost(WebApplication app, HttpClient client, Uri baseAddress, ILlmEngine? engine, IAsyncDisposable? owned)
    {
        _app = app;
        Client = client;
        BaseAddress = baseAddress;
        _engine = engine;
        _owned = owned;
    }

    public HttpClient Client { get; }

    public Uri BaseAddress { get; }

    /// <summary>The engine being served (none for an encoder-only model).</summary>
    public ILlmEngine Engine => _engine ?? throw new InvalidOperationException("This host serves an encoder-only model: it has no engine.");

    public IServiceProvider Services => _app.Services;

    /// <summary>A host over the scripted engine with the test template, serving the model as <c>scripted</c>.</summary>
    public static Task<TestHost> ScriptedAsync(Action<OpenAiServerOptions>? configure = null, bool kestrel = false, int numBlocks = 512,
        Action<IServiceCollection>? services = null, int? maxModelLength = null, int maxNumSeqs = 32)
    {
        var tokenizer = new ByteTokenizer();
        var executor = new ScriptedExecutor(tokenizer, Script.Respond, numBlocks);
        var engine = new LlmEngine.Engine.LlmEngine(executor, tokenizer, new LlmEngineOptions
        {
            BlockSize = executor.BlockSize,
            MaxNumSeqs = maxNumSeqs,
            MaxNumBatchedTokens = 2048,
            MaxModelLength = maxModelLength,
            Seed = 11,
        });
        var chat = new LlmEngineChatClient(engine, ChatTemplate.Parse(Script.Template), new LlmEngineChatClientOptions { ModelId = "scripted" });
        return StartAsync(s =>
        {
            s.AddSingleton<ILlmEngine>(engine);
            s.AddSingleton<IChatClient>(chat);
            services?.Invoke(s);
        }, configure, kestrel, engine, engine);
    }

    /// <summary>A host over a real model loaded with <see cref="LocalModel"/> (registered as LocalModel only, as AddLlmEngine will).</summary>
    public static Task<TestHost> LocalModelAsync(LocalModel model, Action<OpenAiServerOptions>? configure = null, bool kestrel = false) =>
        StartAsync(s => s.AddSingleton(model), configure, kestrel, model.Engine, owned: null);

    /// <summary>A host over a real model and its chat client, registered as AddLlmEngine registers a chat model.</summary>
    public static Task<TestHost> ChatModelAsync(LocalModel model, bool kestrel = false)
    {
        var chat = new LlmEngineChatClient(model);
        return StartAsync(s => s.AddSingleton(model).AddSingleton<IChatClient>(chat), configure: null, kestrel, model.Engine, owned: null);
    }

    public static async Task<TestHost> StartAsync(Action<IServiceCollection> services, Action<OpenAiServerOptions>? configure, bool kestrel, ILlmEngine? engine, IAsyncDisposable? owned)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (kestrel)
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
        }
        else
        {
            builder.WebHost.UseTestServer();
        }
        services(builder.Services);
        var app = builder.Build();
        app.MapOpenAiEndpoints(configure);
        await app.StartAsync();
        if (!kestrel)
        {
            var client = app.GetTestClient();
            return new TestHost(app, client, client.BaseAddress!, engine, owned);
        }
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = address, DefaultRequestVersion = HttpVersion.Version11 };
        return new TestHost(app, http, address, engine, owned);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        if (_owned is not null)
        {
            await _owned.DisposeAsync();
        }
    }
}
