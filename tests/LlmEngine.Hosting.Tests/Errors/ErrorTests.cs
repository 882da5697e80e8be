using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using LlmEngine.Hosting.Tests.Infrastructure;
using NUnit.Framework;

namespace LlmEngine.Hosting.Tests.Errors;

/// <summary>Every bad request gets OpenAI's error shape with the right status and the field it concerns.</summary>
[TestFixture]
public sealed class ErrorTests
{
    private TestHost _host = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _host = await TestHost.ScriptedAsync(o => o.MaxRequestBodySize = 64 * 1024, maxModelLength: 256);

    [OneTimeTearDown]
    public async Task StopAsync() => await _host.DisposeAsync();

    [TestCase("""{"messages":[{"role":"user","content":"hi"}],"temperature":-1}""", "temperature")]
    [TestCase("""{"messages":[{"role":"user","content":"hi"}],"top_p":1.5}""", "top_p")]
    [TestCase("""{"messages":[{"role":"user","content":"hi"}],"n":0}""", "n")]
    [TestCase("""{"messages":[{"role":"user","content":"hi"}],"max_tokens":0}""", "max_tokens")]
    [TestCase("""{"messages":[{"role":"user","content":"hi"}],"max_completion_tokens":-5}""", "max_completion_tokens")]
    [TestCase("""{"messages":[{"role":"user","content":"hi"}],"presence_penalty":3}""", "presence_penalty")]
    [TestCase("""{"messages":[{"role":"user","content":"hi"}],"top_logprobs":30,"logprobs":true}""", "logprobs")]
    [TestCase("""{"messages":[{"role":"user","content":"hi"}],"top_logprobs":2}""", "top_logprobs")]
    [TestCase("""{"messages":[{"role":"user","content":"hi"}],"logit_bias":{"abc":1}}""", "logit_bias")]
    [TestCase("""{"messages":[{"role":"user","content":"hi"}],"stop":5}""", "stop")]
    [TestCase("""{"messages":[{"role":"user","content":"hi"}],"temperature":"hot"}""", "temperature")]
    [TestCase("""{"messages":[{"role":"user","content":"hi"}],"n":1.5}""", "n")]
    [TestCase("""{"messages":"hi"}""", "messages")]
    [TestCase("""{"messages":[]}""", "messages")]
    [TestCase("""{}""", "messages")]
    [TestCase("""{"messages":[{"role":"wizard","content":"hi"}]}""", "messages[0].role")]
    [TestCase("""{"messages":[{"content":"hi"}]}""", "messages[0].role")]
    [TestCase("""{"messages":[{"role":"user"}]}""", "messages[0].content")]
    [TestCase("""{"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"x"}}]}]}""", "messages[0].content[0].type")]
    [TestCase("""{"messages":[{"role":"tool","content":"x"}]}""", "messages[0].tool_call_id")]
    [TestCase("""{"messages":[{"role":"assistant","tool_calls":[{"id":"a","type":"function","function":{"name":"f","arguments":"{not json"}}]}]}""", "messages[0].tool_calls[0].function.arguments")]
    [TestCase("""{"messages":[{"role":"user","content":"hi"}],"tool_choice":"sometimes"}""", "tool_choice")]
    [TestCase("""{"messages":[{"role":"user","content":"hi"}],"tool_choice":"required"}""", "tool_choice")]
    [TestCase("""{"messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":{"type":"function","function":{"name":"g"}}}""", "tool_choice")]
    [TestCase("""{"messages":[{"role":"user","content":"hi"}],"response_format":{"type":"xml"}}""", "response_format.type")]
    [TestCase("""{"messages":[{"role":"user","content":"hi"}],"response_format":{"type":"json_schema","json_schema":{"name":"x"}}}""", "response_format.json_schema.schema")]
    [TestCase("""{"messages":[{"role":"user","content":"hi"}],"guided_regex":"(unclosed"}""", "guided_regex")]
    [TestCase("""{"messages":[{"role":"user","content":"hi"}],"guided_choice":[]}""", "guided_choice")]
    [TestCase("""{"messages":[{"role":"user","content":"hi"}],"guided_json":{"type":"object"},"guided_regex":"a+"}""", "guided_regex")]
    [TestCase("""{"messages":[{"role":"user","content":"hi"}],"best_of":3}""", "best_of")]
    [TestCase("""{"messages":[{"role":"user","content":"hi"}],"continue_final_message":true}""", "continue_final_message")]
    public async Task BadChatRequestsAre400NamingTheField(string json, string param)
    {
        var (status, body) = await Http.PostAsync(_host.Client, "/v1/chat/completions", json);

        Assert.That(status, Is.EqualTo(400), body?.ToJsonString());
        AssertErrorShape(body, "invalid_request_error");
        Assert.That((string?)body!["error"]!["param"], Is.EqualTo(param), body.ToJsonString());
    }

    [TestCase("{\"messages\": [")]
    [TestCase("not json at all")]
    [TestCase("[1,2,3]")]
    [TestCase("null")]
    [TestCase("")]
    public async Task MalformedBodiesAre400(string json)
    {
        var (status, body) = await Http.PostAsync(_host.Client, "/v1/chat/completions", json);

        Assert.That(status, Is.EqualTo(400), body?.ToJsonString());
        AssertErrorShape(body, "invalid_request_error");
    }

    [Test]
    public async Task UnknownModelIs404ModelNotFound()
    {
        var (status, body) = await Http.PostAsync(_host.Client, "/v1/chat/completions", """{"model":"gpt-9","messages":[{"role":"user","content":"hi"}]}""");

        Assert.That(status, Is.EqualTo(404));
        AssertErrorShape(body, "invalid_request_error");
        Assert.That((string?)body!["error"]!["code"], Is.EqualTo("model_not_found"));
        Assert.That((string?)body["error"]!["message"], Is.EqualTo("The model `gpt-9` does not exist."));
    }

    [Test]
    public async Task TooLongConversationIsContextLengthExceeded()
    {
        var json = new JsonObject { ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = new string('a', 300) }) };
        var (status, body) = await Http.PostAsync(_host.Client, "/v1/chat/completions", json);

        Assert.That(status, Is.EqualTo(400), body?.ToJsonString());
        Assert.That((string?)body!["error"]!["code"], Is.EqualTo("context_length_exceeded"));
        Assert.That((string?)body["error"]!["param"], Is.EqualTo("messages"));
        Assert.That((string?)body["error"]!["message"], Does.StartWith("This model's maximum context length is 256 tokens. However, your messages resulted in "));
    }

    [Test]
    public async Task BodyOverTheLimitIs413()
    {
        var json = new JsonObject { ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = new string('a', 100_000) }) };
        var (status, body) = await Http.PostAsync(_host.Client, "/v1/chat/completions", json);

        Assert.That(status, Is.EqualTo(413));
        AssertErrorShape(body, "invalid_request_error");
    }

    [Test]
    public async Task WrongContentTypeIs415()
    {
        using var content = new StringContent("messages=hi", Encoding.UTF8, "application/x-www-form-urlencoded");
        using var response = await _host.Client.PostAsync("/v1/chat/completions", content);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.UnsupportedMediaType));
        AssertErrorShape(JsonNode.Parse(await response.Content.ReadAsStringAsync()), "invalid_request_error");
    }

    [Test]
    public async Task UnknownRouteUnderV1Is404AndWrongMethodIs405()
    {
        var (status, body) = await Http.GetAsync(_host.Client, "/v1/nothing/here");
        Assert.That(status, Is.EqualTo(404));
        AssertErrorShape(body, "invalid_request_error");

        (status, body) = await Http.GetAsync(_host.Client, "/v1/chat/completions");
        Assert.That(status, Is.EqualTo(405));
        AssertErrorShape(body, "invalid_request_error");
    }

    [Test]
    public async Task UnknownFieldsAreIgnored()
    {
        var (status, body) = await Http.PostAsync(_host.Client, "/v1/chat/completions",
            """{"messages":[{"role":"user","content":"hi"}],"max_tokens":2,"some_future_field":{"x":[1,2]},"metadata":{"a":"b"}}""");

        Assert.That(status, Is.EqualTo(200), body?.ToJsonString());
    }

    [Test]
    public async Task BadRequestsNeverReachTheEngine()
    {
        var before = _host.Engine.GetStatistics().NumFinishedRequests;
        await Http.PostAsync(_host.Client, "/v1/chat/completions", """{"messages":[{"role":"user","content":"hi"}],"temperature":-1}""");
        await Http.PostAsync(_host.Client, "/v1/chat/completions", """{"messages":[{"role":"wizard","content":"hi"}]}""");

        Assert.That(_host.Engine.GetStatistics().NumFinishedRequests, Is.EqualTo(before));
    }

    internal static void AssertErrorShape(JsonNode? body, string type)
    {
        Assert.That(body, Is.Not.Null);
        var error = body!["error"]!.AsObject();
        Assert.That((string?)error["message"], Is.Not.Empty);
        Assert.That((string?)error["type"], Is.EqualTo(type));
        Assert.That(error.ContainsKey("param"), Is.True, "param is always present (null when no field)");
        Assert.That(error.ContainsKey("code"), Is.True, "code is always present");
    }
}
