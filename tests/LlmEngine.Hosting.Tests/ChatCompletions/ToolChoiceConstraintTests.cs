using System.Text.Json;
using System.Text.Json.Nodes;
using LlmEngine.Composition;
using LlmEngine.Hosting.Tests.Infrastructure;
using NUnit.Framework;

namespace LlmEngine.Hosting.Tests.ChatCompletions;

/// <summary>
/// <c>tool_choice: required</c> and a named function on a real (random-weight) model served over HTTP: the answer is
/// always <c>tool_calls</c> whose arguments satisfy the tool's schema, because generation is constrained to the
/// template's tool-call syntax.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class ToolChoiceConstraintTests
{
    private static readonly string[] s_units = ["celsius", "fahrenheit"];

    private LocalModel _model = null!;
    private TestHost _host = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _model = LocalModel.Load(new LocalModelOptions
        {
            Model = TestData.Directory("archs/hf/tiny-qwen2"),
            ServedModelName = "tiny-qwen2",
            KVCacheMemoryBytes = 64 << 20,
            Engine = new LlmEngineOptions { NumThreads = 1, MaxModelLength = 2048, Seed = 5 },
        });
        _host = await TestHost.ChatModelAsync(_model, kestrel: false);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _host.DisposeAsync();
        await _model.DisposeAsync();
    }

    [Test]
    public async Task Required_tool_choice_always_answers_with_valid_calls([Values(1, 2, 3)] int seed)
    {
        var (status, body) = await Http.PostAsync(_host.Client, "/v1/chat/completions", Request(JsonValue.Create("required"), seed));

        Assert.That(status, Is.EqualTo(200), body?.ToJsonString());
        var choice = body!["choices"]![0]!;
        Assert.That((string?)choice["finish_reason"], Is.EqualTo("tool_calls"), body.ToJsonString());
        var calls = choice["message"]!["tool_calls"]!.AsArray();
        Assert.That(calls, Has.Count.EqualTo(1), body.ToJsonString());
        foreach (var call in calls)
        {
            AssertValid(call!, body.ToJsonString());
        }
    }

    [Test]
    public async Task Named_tool_choice_calls_that_function([Values(1, 2)] int seed)
    {
        var named = new JsonObject { ["type"] = "function", ["function"] = new JsonObject { ["name"] = "get_time" } };

        var (status, body) = await Http.PostAsync(_host.Client, "/v1/chat/completions", Request(named, seed));

        Assert.That(status, Is.EqualTo(200), body?.ToJsonString());
        var calls = body!["choices"]![0]!["message"]!["tool_calls"]!.AsArray();
        Assert.That(calls.Select(c => (string?)c!["function"]!["name"]), Is.All.EqualTo("get_time"), body.ToJsonString());
        foreach (var call in calls)
        {
            AssertValid(call!, body.ToJsonString());
        }
    }

    private static JsonObject Request(JsonNode toolChoice, int seed) => new()
    {
        ["model"] = "tiny-qwen2",
        ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "What is the weather in Oslo, and the time?" }),
        ["tools"] = new JsonArray(
            Tool("get_weather", """{"type":"object","properties":{"city":{"type":"string","maxLength":20},"unit":{"enum":["celsius","fahrenheit"]}},"required":["city","unit"]}"""),
            Tool("get_time", """{"type":"object","properties":{"utc_offset":{"type":"integer","minimum":-12,"maximum":14}},"required":["utc_offset"]}""")),
        ["tool_choice"] = toolChoice,
        ["temperature"] = 1.0,
        ["seed"] = seed,
        ["max_tokens"] = 200,
        // Noise would go on adding parallel calls until max_tokens cut one short; one call ends the output.
        ["parallel_tool_calls"] = false,
    };

    private static JsonObject Tool(string name, string parameters) => new()
    {
        ["type"] = "function",
        ["function"] = new JsonObject { ["name"] = name, ["parameters"] = JsonNode.Parse(parameters) },
    };

    // The schemas' rules, checked by hand: required members present, types, enum, bounds, no extra members.
    private static void AssertValid(JsonNode call, string context)
    {
        Assert.That((string?)call["type"], Is.EqualTo("function"), context);
        var name = (string?)call["function"]!["name"];
        using var arguments = JsonDocument.Parse((string)call["function"]!["arguments"]!);
        var root = arguments.RootElement;
        Assert.That(root.ValueKind, Is.EqualTo(JsonValueKind.Object), context);
        var members = root.EnumerateObject().Select(p => p.Name).ToList();
        switch (name)
        {
            case "get_weather":
                Assert.That(members, Is.EqualTo(new[] { "city", "unit" }), context);
                Assert.That(root.GetProperty("city").GetString()!.EnumerateRunes().Count(), Is.LessThanOrEqualTo(20), context);
                Assert.That(s_units, Does.Contain(root.GetProperty("unit").GetString()), context);
                break;
            case "get_time":
                Assert.That(members, Is.EqualTo(new[] { "utc_offset" }), context);
                Assert.That(root.GetProperty("utc_offset").GetInt32(), Is.InRange(-12, 14), context);
                break;
            default:
                Assert.Fail($"A call to the unknown tool '{name}': {context}");
                break;
        }
    }
}
