using System.Text.Json.Nodes;
using LlmEngine.Hosting.Tests.Fakes;
using LlmEngine.Hosting.Tests.Infrastructure;
using NUnit.Framework;

namespace LlmEngine.Hosting.Tests.ChatCompletions;

/// <summary>vLLM's prompt switches on chat: a per-request <c>chat_template</c>, <c>continue_final_message</c> and <c>echo</c>.</summary>
[TestFixture]
public sealed class ChatPromptShapingTests
{
    /// <summary>ChatML like the model's, but it adds "please count" to every user turn, which makes the script count.</summary>
    private const string CountingTemplate =
        "{% for message in messages %}{{ '<|im_start|>' + message.role + '\\n' + message.content }}" +
        "{% if message.role == 'user' %}{{ ' (please count)' }}{% endif %}{{ '<|im_end|>\\n' }}{% endfor %}" +
        "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    private const string CountingAnswer = "one two three four five six seven eight nine ten";

    private TestHost _host = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _host = await TestHost.ScriptedAsync();

    [OneTimeTearDown]
    public async Task StopAsync() => await _host.DisposeAsync();

    [Test]
    public async Task ARequestsOwnChatTemplateRendersThePrompt()
    {
        var (_, plain) = await Http.PostAsync(_host.Client, "/v1/chat/completions", Http.Chat("Hi there"));
        var (status, body) = await Http.PostAsync(_host.Client, "/v1/chat/completions", Http.Chat("Hi there", new { chat_template = CountingTemplate }));

        Assert.That((string?)plain!["choices"]![0]!["message"]!["content"], Is.EqualTo(Script.Greeting), "the model's template");
        Assert.That(status, Is.EqualTo(200), body?.ToJsonString());
        Assert.That((string?)body!["choices"]![0]!["message"]!["content"], Is.EqualTo(CountingAnswer));
        Assert.That((int)body["usage"]!["prompt_tokens"]!, Is.EqualTo((int)plain["usage"]!["prompt_tokens"]! + " (please count)".Length));
    }

    [TestCase("{% if %}", "chat_template_error")]
    [TestCase("{{ messages[0].content ", "chat_template_error")]
    [TestCase("   ", "invalid_value")]
    public async Task AChatTemplateThatDoesNotParseIs400NamingIt(string template, string code)
    {
        var (status, body) = await Http.PostAsync(_host.Client, "/v1/chat/completions", Http.Chat("Hi there", new { chat_template = template }));

        Assert.That(status, Is.EqualTo(400), body?.ToJsonString());
        Assert.That((string?)body!["error"]!["param"], Is.EqualTo("chat_template"));
        Assert.That((string?)body["error"]!["code"], Is.EqualTo(code));
        Assert.That((string?)body["error"]!["message"], Does.Contain("chat_template"));
    }

    [Test]
    public async Task AChatTemplateThatRaisesIs400AboutTheMessages()
    {
        var (status, body) = await Http.PostAsync(_host.Client, "/v1/chat/completions",
            Http.Chat("Hi there", new { chat_template = "{{ raise_exception('only system messages, please') }}" }));

        Assert.That(status, Is.EqualTo(400), body?.ToJsonString());
        Assert.That((string?)body!["error"]!["code"], Is.EqualTo("chat_template_error"));
        Assert.That((string?)body["error"]!["message"], Does.Contain("only system messages, please"));
    }

    [Test]
    public async Task ContinueFinalMessageContinuesThePrefilledAnswer()
    {
        var (status, body) = await Http.PostAsync(_host.Client, "/v1/chat/completions", Prefilled("Hello! How", new { continue_final_message = true, add_generation_prompt = false }));

        Assert.That(status, Is.EqualTo(200), body?.ToJsonString());
        Assert.That((string?)body!["choices"]![0]!["message"]!["content"], Is.EqualTo(Script.Greeting["Hello! How".Length..]));
        Assert.That((string?)body["choices"]![0]!["message"]!["role"], Is.EqualTo("assistant"));
    }

    [Test]
    public async Task ContinueFinalMessageWorksWithTheDefaultGenerationPromptSwitch()
    {
        var (status, body) = await Http.PostAsync(_host.Client, "/v1/chat/completions", Prefilled("Hello!", new { continue_final_message = true }));

        Assert.That(status, Is.EqualTo(200), body?.ToJsonString());
        Assert.That((string?)body!["choices"]![0]!["message"]!["content"], Is.EqualTo(Script.Greeting["Hello!".Length..]));
    }

    [Test]
    public async Task ContinueFinalMessageWithAGenerationPromptIs400()
    {
        var (status, body) = await Http.PostAsync(_host.Client, "/v1/chat/completions", Prefilled("Hello!", new { continue_final_message = true, add_generation_prompt = true }));

        Assert.That(status, Is.EqualTo(400), body?.ToJsonString());
        Assert.That((string?)body!["error"]!["param"], Is.EqualTo("continue_final_message"));
        Assert.That((string?)body["error"]!["message"], Is.EqualTo("Cannot set both `continue_final_message` and `add_generation_prompt` to True."));
    }

    [Test]
    public async Task ContinueFinalMessageOfATemplateThatRewritesTheTextIs400()
    {
        const string Rewriting = "{% for message in messages %}{{ '<|im_start|>' + message.role + '\\n' + (message.content | upper) + '<|im_end|>\\n' }}{% endfor %}";
        var (status, body) = await Http.PostAsync(_host.Client, "/v1/chat/completions",
            Prefilled("Hello! How", new { continue_final_message = true, chat_template = Rewriting }));

        Assert.That(status, Is.EqualTo(400), body?.ToJsonString());
        Assert.That((string?)body!["error"]!["param"], Is.EqualTo("messages"));
        Assert.That((string?)body["error"]!["message"], Does.Contain("continue_final_message"));
    }

    [Test]
    public async Task EchoRepeatsTheContinuedMessageBeforeTheContinuation()
    {
        var (status, body) = await Http.PostAsync(_host.Client, "/v1/chat/completions",
            Prefilled("Hello! How", new { continue_final_message = true, add_generation_prompt = false, echo = true }));

        Assert.That(status, Is.EqualTo(200), body?.ToJsonString());
        Assert.That((string?)body!["choices"]![0]!["message"]!["content"], Is.EqualTo(Script.Greeting));
        Assert.That((int)body["usage"]!["completion_tokens"]!, Is.EqualTo(Script.Greeting.Length - "Hello! How".Length + 1), "the echo is not generated");
    }

    [Test]
    public async Task EchoStreamsTheEchoedTextRightAfterTheRoleChunk()
    {
        var json = Prefilled("Hello! How", new { continue_final_message = true, add_generation_prompt = false, echo = true, stream = true });
        var (_, events) = await Http.StreamAsync(_host.Client, "/v1/chat/completions", json);

        var chunks = Http.Json(events);
        Assert.That((string?)chunks[0]["choices"]![0]!["delta"]!["role"], Is.EqualTo("assistant"));
        Assert.That((string?)chunks[1]["choices"]![0]!["delta"]!["content"], Is.EqualTo("Hello! How"));
        var text = string.Concat(chunks.SelectMany(c => c["choices"]!.AsArray()).Select(c => (string?)c!["delta"]!["content"]));
        Assert.That(text, Is.EqualTo(Script.Greeting));
    }

    [Test]
    public async Task EchoDoesNothingWhenTheLastMessageHasAnotherRole()
    {
        var (status, body) = await Http.PostAsync(_host.Client, "/v1/chat/completions", Http.Chat("Hi there", new { echo = true }));

        Assert.That(status, Is.EqualTo(200), body?.ToJsonString());
        Assert.That((string?)body!["choices"]![0]!["message"]!["content"], Is.EqualTo(Script.Greeting));
    }

    [Test]
    public async Task WithoutAGenerationPromptTheAnswerKeepsTheLastMessagesRole()
    {
        var (status, body) = await Http.PostAsync(_host.Client, "/v1/chat/completions", Http.Chat("Hi there", new { add_generation_prompt = false, echo = true }));

        Assert.That(status, Is.EqualTo(200), body?.ToJsonString());
        var message = body!["choices"]![0]!["message"]!;
        Assert.That((string?)message["role"], Is.EqualTo("user"), "vLLM's role when no generation prompt is added");
        Assert.That((string?)message["content"], Does.StartWith("Hi there"));
    }

    private static JsonObject Prefilled(string prefix, object extra)
    {
        var json = Http.Chat("Hi there", extra);
        json["messages"]!.AsArray().Add(new JsonObject { ["role"] = "assistant", ["content"] = prefix });
        return json;
    }
}
