using LlmEngine.Hosting.Tests.Fakes;
using LlmEngine.Hosting.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace LlmEngine.Hosting.Tests.Server;

[TestFixture]
public sealed class HealthTests
{
    [Test]
    public async Task HealthIs503WhileTheEngineLoadsThen200()
    {
        using var loaded = new ManualResetEventSlim();
        var tokenizer = new ByteTokenizer();
        await using var engine = new LlmEngine.Engine.LlmEngine(new ScriptedExecutor(tokenizer, Script.Respond), tokenizer, new LlmEngineOptions());
        await using var host = await TestHost.StartAsync(s => s.AddSingleton<ILlmEngine>(_ =>
        {
            loaded.Wait();
            return engine;
        }), null, kestrel: false, engine, owned: null);

        using (var loading = await host.Client.GetAsync("/health"))
        {
            Assert.That((int)loading.StatusCode, Is.EqualTo(503));
        }
        var models = host.Client.GetAsync("/v1/models");
        Assert.That(models.IsCompleted, Is.False, "generation endpoints wait for the engine");
        loaded.Set();
        using (var ready = await models)
        {
            Assert.That((int)ready.StatusCode, Is.EqualTo(200));
        }
        using var health = await host.Client.GetAsync("/health");
        Assert.That((int)health.StatusCode, Is.EqualTo(200));
    }

    [Test]
    public void MappingWithoutAnEngineNamesAddLlmEngine()
    {
        var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateSlimBuilder();
        var app = builder.Build();

        var error = Assert.Throws<InvalidOperationException>(() => app.MapOpenAiEndpoints());
        Assert.That(error!.Message, Does.Contain("ILlmEngine is not registered. Call AddLlmEngine()"));
    }

    [Test]
    public void InvalidOptionsAreRejectedWhenMapping()
    {
        var tokenizer = new ByteTokenizer();
        using var engine = new LlmEngine.Engine.LlmEngine(new ScriptedExecutor(tokenizer, Script.Respond), tokenizer, new LlmEngineOptions());
        var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateSlimBuilder();
        builder.Services.AddSingleton<ILlmEngine>(engine);
        var app = builder.Build();

        Assert.Throws<ArgumentException>(() => app.MapOpenAiEndpoints(o => o.RoutePrefix = "llm/"));
        Assert.Throws<ArgumentException>(() => app.MapOpenAiEndpoints(o => o.ApiKeys = [" "]));
    }
}
