using System.Text.Json.Nodes;
using LlmEngine.Chat;
using LlmEngine.Hosting.Tests.Fakes;
using LlmEngine.Hosting.Tests.Infrastructure;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace LlmEngine.Hosting.Tests.ChatCompletions;

/// <summary>vLLM's <c>prompt_logprobs</c> on chat: once per response, one entry per prompt token, null first.</summary>
[TestFixture]
public sealed class ChatPromptLogprobsTests
{
    private TestHost _host = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _host = await TestHost.ScriptedAsync();

    [OneTimeTearDown]
    public async Task StopAsync() => await _host.DisposeAsync();

    [Test]
    public async Task EveryPromptPositionButTheFirstHasItsTokensLogprob()
    {
        var (status, body) = await Http.PostAsync(_host.Client, "/v1/chat/completions", Http.Chat("Hi there", new { prompt_logprobs = 2 }));

        Assert.That(status, Is.EqualTo(200), body?.ToJsonString());
        Assert.That((string?)body!["choices"]![0]!["message"]!["content"], Is.EqualTo(Script.Greeting));
        var positions = body["prompt_logprobs"]!.AsArray();
        var (_, tokenized) = await Http.PostAsync(_host.Client, "/tokenize", new JsonObject { ["prompt"] = RenderedPrompt("Hi there"), ["add_special_tokens"] = false });
        var tokens = tokenized!["tokens"]!.AsArray().Select(t => (int)t!).ToArray();
        Assert.That(positions, Has.Count.EqualTo(tokens.Length));
        Assert.That((int)body["usage"]!["prompt_tokens"]!, Is.EqualTo(tokens.Length));
        Assert.That(positions[0], Is.Null);
        for (var i = 1; i < tokens.Length; i++)
        {
            var entries = positions[i]!.AsObject();
            var own = entries[tokens[i].ToString(System.Globalization.CultureInfo.InvariantCulture)];
            Assert.That(own, Is.Not.Null, $"position {i} lists the prompt's own token {tokens[i]}");
            Assert.That((float)own!["logprob"]!, Is.LessThanOrEqualTo(0f));
            Assert.That((int)own["rank"]!, Is.GreaterThanOrEqualTo(1));
            Assert.That((string?)own["decoded_token"], Is.Not.Null);
            Assert.That(entries.Count, Is.InRange(2, 3), "the top 2 plus the prompt's own token when it is not among them");
        }
        Assert.That(body["choices"]![0]!.AsObject().ContainsKey("prompt_logprobs"), Is.False, "vLLM puts them on the response, not the choice");
    }

    [Test]
    public async Task NChoicesShareOnePromptLogprobsList()
    {
        var (status, body) = await Http.PostAsync(_host.Client, "/v1/chat/completions", Http.Chat("Hi there", new { prompt_logprobs = 0, n = 3 }));

        Assert.That(status, Is.EqualTo(200), body?.ToJsonString());
        Assert.That(body!["choices"]!.AsArray(), Has.Count.EqualTo(3));
        Assert.That(body["prompt_logprobs"]!.AsArray(), Has.Count.EqualTo((int)body["usage"]!["prompt_tokens"]!));
    }

    [Test]
    public async Task AbsentUnlessAsked()
    {
        var (_, body) = await Http.PostAsync(_host.Client, "/v1/chat/completions", Http.Chat("Hi there"));

        Assert.That(body!.AsObject().ContainsKey("prompt_logprobs"), Is.False);
    }

    [Test]
    public async Task TheChatClientReturnsThemOnceUnderTheirKey()
    {
        var client = _host.Services.GetRequiredService<IChatClient>();
        var options = new ChatOptions { AdditionalProperties = new() { [LlmEngineChatOptionKeys.PromptLogprobs] = 1 } };
        var carrying = 0;
        await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi there")], options))
        {
            carrying += update.AdditionalProperties?.ContainsKey(LlmEngineChatOptionKeys.PromptLogprobs) == true ? 1 : 0;
        }
        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Hi there")], options);

        Assert.That(carrying, Is.EqualTo(1));
        var positions = (IReadOnlyList<PositionLogprobs?>)response.AdditionalProperties![LlmEngineChatOptionKeys.PromptLogprobs]!;
        var prompt = _host.Engine.Tokenizer.Encode(RenderedPrompt("Hi there"), addSpecialTokens: false);
        Assert.That(positions, Has.Count.EqualTo(prompt.Length));
        Assert.That(positions[0], Is.Null);
        Assert.That(positions.Skip(1).Select(p => p!.Chosen.TokenId), Is.EqualTo(prompt.Skip(1)));
        Assert.That(positions.Skip(1).All(p => p!.Top.Count == 1));
    }

    [TestCase(1, "are not available when `stream=True`")]
    [TestCase(-2, "prompt_logprobs")]
    [TestCase(21, "prompt_logprobs")]
    public async Task BadPromptLogprobsAre400(int value, string message)
    {
        var (status, body) = await Http.PostAsync(_host.Client, "/v1/chat/completions", Http.Chat("Hi there", new { prompt_logprobs = value, stream = value == 1 }));

        Assert.That(status, Is.EqualTo(400), body?.ToJsonString());
        Assert.That((string?)body!["error"]!["param"], Is.EqualTo("prompt_logprobs"));
        Assert.That((string?)body["error"]!["message"], Does.Contain(message));
    }

    private static string RenderedPrompt(string user) => $"<|im_start|>user\n{user}<|im_end|>\n<|im_start|>assistant\n";
}
