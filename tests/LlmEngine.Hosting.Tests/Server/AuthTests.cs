using LlmEngine.Hosting.Tests.Errors;
using LlmEngine.Hosting.Tests.Infrastructure;
using NUnit.Framework;

namespace LlmEngine.Hosting.Tests.Server;

[TestFixture]
public sealed class AuthTests
{
    private TestHost _host = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _host = await TestHost.ScriptedAsync(o =>
    {
        o.ApiKeys = ["first-key", "second-key"];
        o.ServedModelNames = ["scripted", "alias"];
        o.RoutePrefix = "/llm";
    });

    [OneTimeTearDown]
    public async Task StopAsync() => await _host.DisposeAsync();

    [TestCase(null)]
    [TestCase("wrong-key")]
    [TestCase("first-key-but-longer")]
    public async Task V1RequiresAValidKey(string? key)
    {
        var (status, body) = await Http.GetAsync(_host.Client, "/llm/v1/models", key);

        Assert.That(status, Is.EqualTo(401));
        ErrorTests.AssertErrorShape(body, "authentication_error");
        Assert.That((string?)body!["error"]!["code"], Is.EqualTo("invalid_api_key"));
    }

    [TestCase("first-key")]
    [TestCase("second-key")]
    public async Task AnyConfiguredKeyIsAccepted(string key)
    {
        var (status, body) = await Http.GetAsync(_host.Client, "/llm/v1/models", key);

        Assert.That(status, Is.EqualTo(200));
        Assert.That(body!["data"]!.AsArray().Select(m => (string?)m!["id"]), Is.EqualTo(new[] { "scripted", "alias" }));
    }

    [Test]
    public async Task EveryServedNameIsAcceptedAndEchoed()
    {
        var (status, body) = await Http.PostAsync(_host.Client, "/llm/v1/chat/completions", """{"model":"alias","messages":[{"role":"user","content":"hi"}],"max_tokens":2}""", "second-key");

        Assert.That(status, Is.EqualTo(200), body?.ToJsonString());
        Assert.That((string?)body!["model"], Is.EqualTo("alias"));
    }

    [Test]
    public async Task UnknownV1RoutesNeedTheKeyFirst()
    {
        var (status, _) = await Http.GetAsync(_host.Client, "/llm/v1/unknown");
        Assert.That(status, Is.EqualTo(401));
        (status, _) = await Http.GetAsync(_host.Client, "/llm/v1/unknown", "first-key");
        Assert.That(status, Is.EqualTo(404));
    }

    [TestCase("/llm/health")]
    [TestCase("/llm/version")]
    [TestCase("/llm/metrics")]
    public async Task ProbesStayOpen(string path)
    {
        using var response = await _host.Client.GetAsync(path);

        Assert.That((int)response.StatusCode, Is.EqualTo(200));
    }

    [Test]
    public async Task TokenizeStaysOpen()
    {
        var (status, _) = await Http.PostAsync(_host.Client, "/llm/tokenize", """{"prompt":"hi"}""");

        Assert.That(status, Is.EqualTo(200));
    }

    [Test]
    public async Task VersionReportsTheAssemblyVersion()
    {
        var (_, body) = await Http.GetAsync(_host.Client, "/llm/version");

        Assert.That((string?)body!["version"], Does.Match(@"^\d+\.\d+\.\d+"));
    }
}
