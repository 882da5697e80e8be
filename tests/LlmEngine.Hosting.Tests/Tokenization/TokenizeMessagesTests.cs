using System.Text.Json.Nodes;
using LlmEngine.Hosting.Tests.Fakes;
using LlmEngine.Hosting.Tests.Infrastructure;
using NUnit.Framework;

namespace LlmEngine.Hosting.Tests.Tokenization;

/// <summary>vLLM's <c>POST /tokenize</c> with chat <c>messages</c>: rendered with the chat template, then tokenized.</summary>
[TestFixture]
public sealed class TokenizeMessagesTests
{
    private const string Rendered = "<|im_start|>user\nHi there<|im_end|>\n<|im_start|>assistant\n";

    private TestHost _host = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _host = await TestHost.ScriptedAsync(maxModelLength: 1000);

    [OneTimeTearDown]
    public async Task StopAsync() => await _host.DisposeAsync();

    [Test]
    public async Task MessagesAreRenderedWithTheGenerationPromptThenTokenized()
    {
        var (status, body) = await Tokenize(new JsonObject { ["messages"] = Messages(), ["return_token_strs"] = true });

        Assert.That(status, Is.EqualTo(200), body?.ToJsonString());
        var expected = _host.Engine.Tokenizer.Encode(Rendered, addSpecialTokens: false);
        Assert.That(Tokens(body), Is.EqualTo(expected), "no BOS: the template writes the special tokens (add_special_tokens defaults to false)");
        Assert.That((int)body!["count"]!, Is.EqualTo(expected.Length));
        Assert.That((int)body["max_model_len"]!, Is.EqualTo(1000));
        Assert.That(string.Concat(body["token_strs"]!.AsArray().Select(t => (string?)t)), Is.EqualTo(Rendered));
    }

    [Test]
    public async Task TheCountMatchesTheChatCompletionsPromptTokens()
    {
        var (_, tokenized) = await Tokenize(new JsonObject { ["messages"] = Messages() });
        var (_, chat) = await Http.PostAsync(_host.Client, "/v1/chat/completions", Http.Chat("Hi there"));

        Assert.That((int)tokenized!["count"]!, Is.EqualTo((int)chat!["usage"]!["prompt_tokens"]!));
    }

    [Test]
    public async Task TheTemplateSwitchesApply()
    {
        var (_, noGeneration) = await Tokenize(new JsonObject { ["messages"] = Messages(), ["add_generation_prompt"] = false });
        var (_, special) = await Tokenize(new JsonObject { ["messages"] = Messages(), ["add_special_tokens"] = true });
        var own = new JsonObject { ["messages"] = Messages(), ["chat_template"] = "{% for m in messages %}[{{ m.content }}]{% endfor %}" };
        var (_, template) = await Tokenize(own);
        var prefilled = Messages();
        prefilled.Add(new JsonObject { ["role"] = "assistant", ["content"] = "Hello" });
        var (_, continued) = await Tokenize(new JsonObject { ["messages"] = prefilled, ["continue_final_message"] = true, ["add_generation_prompt"] = false });

        var tokenizer = _host.Engine.Tokenizer;
        Assert.That(Tokens(noGeneration), Is.EqualTo(tokenizer.Encode("<|im_start|>user\nHi there<|im_end|>\n", addSpecialTokens: false)));
        Assert.That(Tokens(special), Is.EqualTo(tokenizer.Encode(Rendered, addSpecialTokens: true)));
        Assert.That(Tokens(template), Is.EqualTo(tokenizer.Encode("[Hi there]", addSpecialTokens: false)));
        Assert.That(Tokens(continued), Is.EqualTo(tokenizer.Encode(Rendered + "Hello", addSpecialTokens: false)));
    }

    [Test]
    public async Task OfferedToolsAreRendered()
    {
        var tools = JsonNode.Parse("""[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{}}}}]""");
        var (status, body) = await Tokenize(new JsonObject { ["messages"] = Messages(), ["tools"] = tools, ["return_token_strs"] = true });

        Assert.That(status, Is.EqualTo(200), body?.ToJsonString());
        var text = string.Concat(body!["token_strs"]!.AsArray().Select(t => (string?)t));
        Assert.That(text, Does.StartWith("<|im_start|>system\nTools: ").And.Contain("get_weather").And.EndWith(Rendered));
    }

    [TestCase("""{"prompt":"hi","messages":[{"role":"user","content":"hi"}]}""", "messages")]
    [TestCase("""{"messages":[{"role":"wizard","content":"hi"}]}""", "messages[0].role")]
    [TestCase("""{"messages":"hi"}""", "messages")]
    [TestCase("""{"messages":[{"role":"user","content":"hi"}],"chat_template":"{% if %}"}""", "chat_template")]
    [TestCase("""{"messages":[{"role":"user","content":"hi"}],"continue_final_message":true}""", "continue_final_message")]
    [TestCase("""{"messages":[{"role":"user","content":"hi"}],"chat_template":"{{ raise_exception('no') }}"}""", "messages")]
    [TestCase("""{"add_special_tokens":true}""", "prompt")]
    [TestCase("""{"messages":[{"role":"user","content":"hi"}],"model":"other"}""", "model")]
    public async Task BadRequestsNameTheField(string json, string param)
    {
        var (status, body) = await Http.PostAsync(_host.Client, "/tokenize", json);

        Assert.That(status, Is.AnyOf(400, 404), body?.ToJsonString());
        Assert.That((string?)body!["error"]!["param"], Is.EqualTo(param), body.ToJsonString());
    }

    private Task<(int Status, JsonNode? Body)> Tokenize(JsonObject json) => Http.PostAsync(_host.Client, "/tokenize", json);

    private static JsonArray Messages() => new(new JsonObject { ["role"] = "user", ["content"] = "Hi there" });

    private static int[] Tokens(JsonNode? body) => [.. body!["tokens"]!.AsArray().Select(t => (int)t!)];
}
