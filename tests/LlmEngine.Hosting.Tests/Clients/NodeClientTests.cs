using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json.Nodes;
using LlmEngine.Hosting.Tests.Fakes;
using LlmEngine.Hosting.Tests.Infrastructure;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace LlmEngine.Hosting.Tests.Clients;

/// <summary>
/// The official <c>openai</c> npm client against Kestrel on 127.0.0.1: <c>tests/clients/node/openai-client.mjs</c>
/// runs every scenario once and prints what it saw; each test checks one scenario. The package is installed by
/// <c>.ci/run</c> (<c>npm install</c> in tests/clients/node); without node or the package the tests are Ignored.
/// </summary>
[TestFixture]
public sealed class NodeClientTests
{
    private const string ApiKey = "sk-node-key";
    private static readonly TimeSpan s_hangGuard = TimeSpan.FromMinutes(2);
    private static readonly string s_clientFolder = Path.Combine(TestData.RepositoryRoot, "tests", "clients", "node");

    private TestHost? _host;
    private JsonObject _results = null!;

    [OneTimeSetUp]
    public async Task RunTheNodeClientAsync()
    {
        if (!File.Exists(Path.Combine(s_clientFolder, "node_modules", "openai", "package.json")))
        {
            Assert.Ignore($"The openai npm package is not installed in {s_clientFolder}: run 'npm install --no-audit --no-fund' there (.ci/run does when npm is available).");
        }
        _host = await TestHost.ScriptedAsync(o => o.ApiKeys = [ApiKey], kestrel: true,
            services: s => s.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(new HashEmbeddingGenerator()));
        var start = new ProcessStartInfo("node", "openai-client.mjs")
        {
            WorkingDirectory = s_clientFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["LLMENGINE_BASE_URL"] = new Uri(_host.BaseAddress, "/v1").ToString();
        start.Environment["LLMENGINE_API_KEY"] = ApiKey;
        start.Environment["LLMENGINE_MODEL"] = "scripted";
        Process node;
        try
        {
            node = Process.Start(start)!;
        }
        catch (Win32Exception error)
        {
            Assert.Ignore("node is not installed: " + error.Message);
            return;
        }
        using (node)
        {
            var stdout = node.StandardOutput.ReadToEndAsync();
            var stderr = node.StandardError.ReadToEndAsync();
            using var guard = new CancellationTokenSource(s_hangGuard);
            try
            {
                await node.WaitForExitAsync(guard.Token);
            }
            catch (OperationCanceledException)
            {
                node.Kill(entireProcessTree: true);
                Assert.Fail($"node did not finish within {s_hangGuard}; stderr: {await stderr}");
            }
            var output = await stdout;
            Assert.That(node.ExitCode, Is.EqualTo(0), $"node failed: {await stderr}\n{output}");
            _results = JsonNode.Parse(output.Trim().Split('\n')[^1])!.AsObject();
        }
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    [Test]
    public void ListsModels()
    {
        var models = Scenario("models")["models"]!.AsArray();

        Assert.That(models.Select(m => (string?)m!["id"]), Is.EqualTo(new[] { "scripted" }));
        Assert.That((string?)models[0]!["object"], Is.EqualTo("model"));
        Assert.That((string?)models[0]!["owned_by"], Is.EqualTo("llmengine"));
    }

    [Test]
    public void CompletesAChat()
    {
        var chat = Scenario("chat");

        Assert.That((string?)chat["content"], Is.EqualTo(Script.Greeting));
        Assert.That((string?)chat["role"], Is.EqualTo("assistant"));
        Assert.That((string?)chat["finish_reason"], Is.EqualTo("stop"));
        Assert.That((int?)chat["completion_tokens"], Is.EqualTo(Script.Greeting.Length + 1));
        Assert.That((string?)chat["model"], Is.EqualTo("scripted"));
        Assert.That((string?)chat["object"], Is.EqualTo("chat.completion"));
    }

    [Test]
    public void StreamsAChatToDoneWithUsage()
    {
        var stream = Scenario("chatStream");

        Assert.That((string?)stream["content"], Is.EqualTo(Script.Greeting));
        Assert.That((string?)stream["role"], Is.EqualTo("assistant"));
        Assert.That((string?)stream["finish_reason"], Is.EqualTo("stop"));
        Assert.That((int?)stream["completion_tokens"], Is.EqualTo(Script.Greeting.Length + 1));
        Assert.That((int?)stream["chunks"], Is.GreaterThan(5), "content arrives in many deltas");
        Assert.That((bool?)stream["done"], Is.True, "the SDK ended the stream at [DONE]");
    }

    [Test]
    public void TheSdkStreamHelperAssemblesTheMessage()
    {
        var helper = Scenario("chatStreamHelper");

        Assert.That((string?)helper["content"], Is.EqualTo(Script.Greeting));
        Assert.That((string?)helper["finish_reason"], Is.EqualTo("stop"));
        Assert.That((int?)helper["deltas"], Is.GreaterThan(5));
    }

    [Test]
    public void ToolCallRoundTrip()
    {
        var tools = Scenario("toolsRoundTrip");

        Assert.That((string?)tools["first_finish_reason"], Is.EqualTo("tool_calls"));
        Assert.That((string?)tools["name"], Is.EqualTo("get_weather"));
        Assert.That((string?)tools["arguments"]!["city"], Is.EqualTo("Paris"));
        Assert.That((string?)tools["id"], Is.Not.Empty);
        Assert.That((string?)tools["answer"], Is.EqualTo(Script.WeatherAnswer));
    }

    [Test]
    public void StreamedParallelToolCallsAssembleByIndex()
    {
        var streamed = Scenario("streamedToolCalls");

        Assert.That((string?)streamed["finish_reason"], Is.EqualTo("tool_calls"));
        var calls = streamed["calls"]!.AsArray();
        Assert.That(calls.Select(c => (string?)c!["name"]), Is.EqualTo(new[] { "get_weather", "get_weather" }));
        Assert.That(calls.Select(c => (string?)c!["arguments"]!["city"]), Is.EqualTo(new[] { "Paris", "London" }));
    }

    [Test]
    public void TheSdkRunToolsLoopCallsTheFunctionAndAnswers()
    {
        var run = Scenario("runTools");

        Assert.That(run["cities"]!.AsArray().Select(c => (string?)c), Is.EqualTo(new[] { "Paris" }));
        Assert.That((string?)run["answer"], Is.EqualTo(Script.WeatherAnswer));
    }

    [Test]
    public void CompletesAPromptPlainAndStreamed()
    {
        var completions = Scenario("completions");

        Assert.That((string?)completions["text"], Is.EqualTo(Script.Greeting));
        Assert.That((string?)completions["streamed"], Is.EqualTo(Script.Greeting));
        Assert.That((string?)completions["finish_reason"], Is.EqualTo("stop"));
        Assert.That((string?)completions["object"], Is.EqualTo("text_completion"));
    }

    [Test]
    public void GeneratesEmbeddingsAsBase64AndFloats()
    {
        var embeddings = Scenario("embeddings");

        Assert.That(embeddings["embedding"]!.AsArray().Select(v => (float)v!), Is.EqualTo(new[] { 2f, 'a', 'b', 0.5f }), "decoded by the SDK from base64");
        Assert.That((int?)embeddings["count"], Is.EqualTo(2));
        Assert.That(embeddings["second"]!.AsArray().Select(v => (float)v!), Is.EqualTo(new[] { 1f, 'c', 0.5f, 0.5f }));
    }

    [TestCase("wrongKey", 401, "AuthenticationError", "isAuthenticationError")]
    [TestCase("unknownModel", 404, "NotFoundError", "isNotFoundError")]
    [TestCase("badTemperature", 400, "BadRequestError", "isBadRequestError")]
    public void ErrorsMapToTheSdksErrorClasses(string scenario, int status, string errorClass, string check)
    {
        var error = Scenario("errors")[scenario]!;

        Assert.That((bool?)error["thrown"], Is.True);
        Assert.That((int?)error["status"], Is.EqualTo(status));
        Assert.That((string?)error["class"], Is.EqualTo(errorClass));
        Assert.That((bool?)error[check], Is.True);
        Assert.That((bool?)error["isApiError"], Is.True);
        Assert.That((string?)error["message"], Is.Not.Empty);
    }

    [Test]
    public void AnUnknownModelErrorNamesTheModel() =>
        Assert.That((string?)Scenario("errors")["unknownModel"]!["message"], Does.Contain("The model `gpt-9` does not exist."));

    private JsonObject Scenario(string name)
    {
        var result = _results[name]?.AsObject();
        Assert.That(result, Is.Not.Null, $"no result for '{name}' in {_results.ToJsonString()}");
        Assert.That(result!["failed"], Is.Null, $"the scenario threw: {result["failed"]}");
        return result;
    }
}
