using System.Text.Json.Nodes;
using LlmEngine.Hosting.Tests.Fakes;
using LlmEngine.Hosting.Tests.Infrastructure;
using NUnit.Framework;

namespace LlmEngine.Hosting.Tests.ChatCompletions;

[TestFixture]
public sealed class ChatCompletionsTests
{
    private static readonly JsonArray s_weatherTool = new(new JsonObject
    {
        ["type"] = "function",
        ["function"] = new JsonObject
        {
            ["name"] = "get_weather",
            ["description"] = "Current weather in a city",
            ["parameters"] = JsonNode.Parse("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}"""),
        },
    });

    private TestHost _host = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _host = await TestHost.ScriptedAsync();

    [OneTimeTearDown]
    public async Task StopAsync() => await _host.DisposeAsync();

    [Test]
    public async Task AnswersWithTheMessageUsageAndStop()
    {
        var (status, body) = await Http.PostAsync(_host.Client, "/v1/chat/completions", Http.Chat("Hi there"));

        Assert.That(status, Is.EqualTo(200), body?.ToJsonString());
        Assert.That((string?)body!["object"], Is.EqualTo("chat.completion"));
        Assert.That((string?)body["id"], Does.StartWith("chatcmpl-"));
        Assert.That((string?)body["model"], Is.EqualTo("scripted"));
        var choice = body["choices"]![0]!;
        Assert.That((string?)choice["message"]!["role"], Is.EqualTo("assistant"));
        Assert.That((string?)choice["message"]!["content"], Is.EqualTo(Script.Greeting));
        Assert.That((string?)choice["finish_reason"], Is.EqualTo("stop"));
        var usage = body["usage"]!;
        Assert.That((int)usage["completion_tokens"]!, Is.EqualTo(Script.Greeting.Length + 1), "one byte token per character plus <|im_end|>");
        Assert.That((int)usage["total_tokens"]!, Is.EqualTo((int)usage["prompt_tokens"]! + (int)usage["completion_tokens"]!));
        Assert.That(usage["prompt_tokens_details"]!["cached_tokens"], Is.Not.Null);
    }

    [Test]
    public async Task StreamsARoleChunkDeltasAFinishChunkUsageAndDone()
    {
        var (contentType, events) = await Http.StreamAsync(_host.Client, "/v1/chat/completions",
            Http.Chat("Hi there", new { stream = true, stream_options = new { include_usage = true } }));

        Assert.That(contentType, Is.EqualTo("text/event-stream"));
        Assert.That(events[^1], Is.EqualTo("[DONE]"));
        var chunks = Http.Json(events);
        Assert.That(chunks.All(c => (string?)c["object"] == "chat.completion.chunk"), Is.True);
        Assert.That(chunks.Select(c => (string?)c["id"]).Distinct().Count(), Is.EqualTo(1), "one id for the whole stream");
        var first = chunks[0]["choices"]![0]!;
        Assert.That((string?)first["delta"]!["role"], Is.EqualTo("assistant"));
        Assert.That((string?)first["delta"]!["content"], Is.EqualTo(""));
        Assert.That(first.AsObject().ContainsKey("finish_reason") && first["finish_reason"] is null, Is.True, "finish_reason is present and null");

        var usageChunk = chunks[^1];
        Assert.That(usageChunk["choices"]!.AsArray(), Is.Empty);
        Assert.That((int)usageChunk["usage"]!["completion_tokens"]!, Is.EqualTo(Script.Greeting.Length + 1));
        foreach (var chunk in chunks.Take(chunks.Count - 1))
        {
            Assert.That(chunk.AsObject().ContainsKey("usage") && chunk["usage"] is null, Is.True, "every other chunk has usage: null");
        }
        var finish = chunks[^2]["choices"]![0]!;
        Assert.That((string?)finish["finish_reason"], Is.EqualTo("stop"));
        var text = string.Concat(chunks.SelectMany(c => c["choices"]!.AsArray()).Select(c => (string?)c!["delta"]!["content"]));
        Assert.That(text, Is.EqualTo(Script.Greeting));
        Assert.That(chunks.Count, Is.GreaterThan(5), "the answer streams in several deltas");
    }

    [Test]
    public async Task StreamsWithoutUsageWhenNotAsked()
    {
        var (_, events) = await Http.StreamAsync(_host.Client, "/v1/chat/completions", Http.Chat("Hi there", new { stream = true }));

        var chunks = Http.Json(events);
        Assert.That(chunks.Any(c => c.AsObject().ContainsKey("usage")), Is.False);
        Assert.That(chunks.All(c => c["choices"]!.AsArray().Count == 1), Is.True);
    }

    [Test]
    public async Task NChoicesStreamEachWithRoleDeltasAndFinish()
    {
        var (_, events) = await Http.StreamAsync(_host.Client, "/v1/chat/completions",
            Http.Chat("please count", new { stream = true, n = 3, temperature = 0.7, seed = 5, stream_options = new { include_usage = true } }));

        var chunks = Http.Json(events);
        var byIndex = chunks.SelectMany(c => c["choices"]!.AsArray()).GroupBy(c => (int)c!["index"]!).ToDictionary(g => g.Key, g => g.ToList());
        Assert.That(byIndex.Keys, Is.EquivalentTo(new[] { 0, 1, 2 }));
        foreach (var (_, deltas) in byIndex)
        {
            Assert.That((string?)deltas[0]!["delta"]!["role"], Is.EqualTo("assistant"));
            Assert.That((string?)deltas[^1]!["finish_reason"], Is.EqualTo("stop"));
            Assert.That(string.Concat(deltas.Select(d => (string?)d!["delta"]!["content"])), Does.StartWith("one two three"));
        }
        var usage = chunks[^1]["usage"]!;
        Assert.That((int)usage["completion_tokens"]!, Is.EqualTo(3 * ("one two three four five six seven eight nine ten".Length + 1)));
    }

    [Test]
    public async Task MaxTokensEndsWithLength()
    {
        var (status, body) = await Http.PostAsync(_host.Client, "/v1/chat/completions", Http.Chat("Hi there", new { max_completion_tokens = 5 }));

        Assert.That(status, Is.EqualTo(200));
        Assert.That((string?)body!["choices"]![0]!["message"]!["content"], Is.EqualTo(Script.Greeting[..5]));
        Assert.That((string?)body["choices"]![0]!["finish_reason"], Is.EqualTo("length"));
        Assert.That((int)body["usage"]!["completion_tokens"]!, Is.EqualTo(5));
    }

    [Test]
    public async Task StopStringEndsTheAnswerWithoutLeaking()
    {
        var (_, events) = await Http.StreamAsync(_host.Client, "/v1/chat/completions", Http.Chat("Hi there", new { stream = true, stop = new[] { "help" } }));

        var text = string.Concat(Http.Json(events).SelectMany(c => c["choices"]!.AsArray()).Select(c => (string?)c!["delta"]!["content"]));
        Assert.That(text, Is.EqualTo("Hello! How can I "));
    }

    [Test]
    public async Task ReturnsLogprobsPerToken()
    {
        var (status, body) = await Http.PostAsync(_host.Client, "/v1/chat/completions", Http.Chat("Hi there", new { logprobs = true, top_logprobs = 2, max_tokens = 3 }));

        Assert.That(status, Is.EqualTo(200), body?.ToJsonString());
        var content = body!["choices"]![0]!["logprobs"]!["content"]!.AsArray();
        Assert.That(content, Has.Count.EqualTo(3));
        Assert.That((string?)content[0]!["token"], Is.EqualTo("H"));
        Assert.That((float)content[0]!["logprob"]!, Is.EqualTo(0f).Within(1e-3f));
        Assert.That(content[0]!["bytes"]!.AsArray().Select(b => (int)b!), Is.EqualTo(new[] { (int)'H' }));
        Assert.That(content[0]!["top_logprobs"]!.AsArray(), Has.Count.EqualTo(2));
    }

    [Test]
    public async Task ToolCallIsReturnedWithToolCallsFinishReason()
    {
        var body = Http.Chat("What is the weather like?");
        body["tools"] = s_weatherTool.DeepClone();
        var (status, response) = await Http.PostAsync(_host.Client, "/v1/chat/completions", body);

        Assert.That(status, Is.EqualTo(200), response?.ToJsonString());
        var choice = response!["choices"]![0]!;
        Assert.That((string?)choice["finish_reason"], Is.EqualTo("tool_calls"));
        Assert.That(choice["message"]!["content"], Is.Null);
        var call = choice["message"]!["tool_calls"]![0]!;
        Assert.That((string?)call["type"], Is.EqualTo("function"));
        Assert.That((string?)call["id"], Is.Not.Empty);
        Assert.That((string?)call["function"]!["name"], Is.EqualTo("get_weather"));
        Assert.That(JsonNode.Parse((string)call["function"]!["arguments"]!)!["city"]!.GetValue<string>(), Is.EqualTo("Paris"));
    }

    [Test]
    public async Task ParallelToolCallsStreamAsHeaderThenArguments()
    {
        var body = Http.Chat("What is the weather in Paris and London?", new { stream = true });
        body["tools"] = s_weatherTool.DeepClone();
        var (_, events) = await Http.StreamAsync(_host.Client, "/v1/chat/completions", body);

        var deltas = Http.Json(events).SelectMany(c => c["choices"]!.AsArray()).ToList();
        var callDeltas = deltas.Where(d => d!["delta"]!["tool_calls"] is not null).Select(d => d!["delta"]!["tool_calls"]![0]!).ToList();
        Assert.That(callDeltas, Has.Count.EqualTo(4));
        for (var i = 0; i < 2; i++)
        {
            var header = callDeltas[2 * i];
            Assert.That((int)header["index"]!, Is.EqualTo(i));
            Assert.That((string?)header["id"], Is.Not.Empty);
            Assert.That((string?)header["type"], Is.EqualTo("function"));
            Assert.That((string?)header["function"]!["name"], Is.EqualTo("get_weather"));
            Assert.That((string?)header["function"]!["arguments"], Is.EqualTo(""));
            var arguments = callDeltas[2 * i + 1];
            Assert.That((int)arguments["index"]!, Is.EqualTo(i));
            Assert.That(arguments.AsObject().ContainsKey("id"), Is.False);
            Assert.That(JsonNode.Parse((string)arguments["function"]!["arguments"]!)!["city"]!.GetValue<string>(), Is.EqualTo(i == 0 ? "Paris" : "London"));
        }
        Assert.That((string?)deltas[^1]!["finish_reason"], Is.EqualTo("tool_calls"));
    }

    [Test]
    public async Task ToolResultsInTheHistoryReachTheModel()
    {
        var body = new JsonObject
        {
            ["messages"] = JsonNode.Parse("""
                [{"role":"user","content":"What is the weather like?"},
                 {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},
                 {"role":"tool","tool_call_id":"call_1","content":"21C, sunny"}]
                """),
            ["tools"] = s_weatherTool.DeepClone(),
        };
        var (status, response) = await Http.PostAsync(_host.Client, "/v1/chat/completions", body);

        Assert.That(status, Is.EqualTo(200), response?.ToJsonString());
        Assert.That((string?)response!["choices"]![0]!["message"]!["content"], Is.EqualTo(Script.WeatherAnswer));
        Assert.That((string?)response["choices"]![0]!["finish_reason"], Is.EqualTo("stop"));
    }

    [Test]
    public async Task ToolChoiceNoneAnswersInText()
    {
        var body = Http.Chat("Hi there", new { tool_choice = "none" });
        body["tools"] = s_weatherTool.DeepClone();
        var (status, response) = await Http.PostAsync(_host.Client, "/v1/chat/completions", body);

        Assert.That(status, Is.EqualTo(200), response?.ToJsonString());
        Assert.That((string?)response!["choices"]![0]!["message"]!["content"], Is.EqualTo(Script.Greeting));
    }

    [TestCase("\"required\"")]
    [TestCase("{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}}")]
    public async Task RequiredAndNamedToolChoicesAreAccepted(string toolChoice)
    {
        var body = Http.Chat("What is the weather like?");
        body["tools"] = s_weatherTool.DeepClone();
        body["tool_choice"] = JsonNode.Parse(toolChoice);
        var (status, response) = await Http.PostAsync(_host.Client, "/v1/chat/completions", body);

        Assert.That(status, Is.EqualTo(200), response?.ToJsonString());
        Assert.That((string?)response!["choices"]![0]!["message"]!["tool_calls"]![0]!["function"]!["name"], Is.EqualTo("get_weather"));
    }

    [Test]
    public async Task ContentPartsOfTextAreJoined()
    {
        var body = new JsonObject
        {
            ["messages"] = JsonNode.Parse("""[{"role":"user","content":[{"type":"text","text":"please "},{"type":"text","text":"count"}]}]"""),
        };
        var (status, response) = await Http.PostAsync(_host.Client, "/v1/chat/completions", body);

        Assert.That(status, Is.EqualTo(200), response?.ToJsonString());
        Assert.That((string?)response!["choices"]![0]!["message"]!["content"], Does.StartWith("one two three"));
    }
}
