using LlmEngine.Hosting.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace LlmEngine.Hosting.Tests.Server;

/// <summary>The endpoints over models registered with <c>AddLlmEngine</c>, keyed and not.</summary>
[TestFixture]
public sealed class DependencyInjectionTests
{
    [Test]
    public async Task ServesTheModelRegisteredUnderItsKey()
    {
        var path = TestData.File("stories260K.gguf");
        await using var host = await TestHost.StartAsync(s =>
        {
            s.AddLlmEngine("stories", o =>
            {
                o.Model = path;
                o.KVCacheMemoryBytes = 16L * 1024 * 1024;
                o.Engine.NumThreads = 1;
            });
            s.AddLlmEngine("other", o => o.Model = path);
        }, o => o.ServiceKey = "stories", kestrel: false, engine: null!, owned: null);

        var (status, body) = await Http.GetAsync(host.Client, "/v1/models");
        Assert.That(status, Is.EqualTo(200), body?.ToJsonString());
        Assert.That((string?)body!["data"]![0]!["id"], Is.EqualTo("stories260K"));

        (status, body) = await Http.PostAsync(host.Client, "/v1/completions", """{"prompt":"Once upon a time","max_tokens":12,"temperature":0}""");
        Assert.That((string?)body!["choices"]![0]!["text"], Does.StartWith(Stories.GreedyContinuation));

        (status, body) = await Http.PostAsync(host.Client, "/v1/chat/completions", """{"messages":[{"role":"user","content":"hi"}]}""");
        Assert.That(status, Is.EqualTo(400), "stories260K has no chat template");
        Assert.That((string?)body!["error"]!["message"], Does.Contain("chat template"));
        Assert.That((string?)body["error"]!["code"], Is.EqualTo("chat_template_error"));

        (status, body) = await Http.PostAsync(host.Client, "/v1/embeddings", """{"input":["Once upon a time","a little girl"]}""");
        Assert.That(status, Is.EqualTo(200), body?.ToJsonString());
        var data = body!["data"]!.AsArray();
        Assert.That(data, Has.Count.EqualTo(2));
        Assert.That(data[0]!["embedding"]!.AsArray(), Is.Not.Empty);
        Assert.That(data[0]!["embedding"]!.AsArray().Select(v => (float)v!), Is.Not.EqualTo(data[1]!["embedding"]!.AsArray().Select(v => (float)v!)));

        (status, body) = await Http.PostAsync(host.Client, "/v1/embeddings", """{"input":"x","dimensions":100000}""");
        Assert.That(status, Is.EqualTo(400), body?.ToJsonString());
        Assert.That((string?)body!["error"]!["param"], Is.EqualTo("dimensions"));
    }

    [Test]
    public void MappingAKeyThatIsNotRegisteredNamesIt()
    {
        var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateSlimBuilder();
        builder.Services.AddLlmEngine("stories", o => o.Model = TestData.File("stories260K.gguf"));
        var app = builder.Build();

        var error = Assert.Throws<InvalidOperationException>(() => app.MapOpenAiEndpoints(o => o.ServiceKey = "qwen"));
        Assert.That(error!.Message, Does.Contain("'qwen'").And.Contain("AddLlmEngine()"));
    }
}
