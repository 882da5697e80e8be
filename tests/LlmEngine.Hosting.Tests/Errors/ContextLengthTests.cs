using LlmEngine.Hosting.Tests.Infrastructure;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace LlmEngine.Hosting.Tests.Errors;

/// <summary>An over-long prompt is recognised by its type (<see cref="PromptTooLongException"/>), never by its wording.</summary>
[TestFixture]
public sealed class ContextLengthTests
{
    [Test]
    public async Task APromptTooLongExceptionIsContextLengthExceededWhateverItsWording()
    {
        var thrown = new PromptTooLongException("Too much text for this model.", 5000, 4096, "messages");
        await using var host = await TestHost.ScriptedAsync(o => o.ServedModelNames = ["scripted"], services: s => s.AddSingleton<IChatClient>(new ThrowingChatClient(thrown)));

        var (status, body) = await Http.PostAsync(host.Client, "/v1/chat/completions", Http.Chat("hi"));

        Assert.That(status, Is.EqualTo(400), body?.ToJsonString());
        Assert.That((string?)body!["error"]!["code"], Is.EqualTo("context_length_exceeded"));
        Assert.That((string?)body["error"]!["param"], Is.EqualTo("messages"));
        Assert.That((string?)body["error"]!["message"], Is.EqualTo(
            "This model's maximum context length is 4096 tokens. However, your messages resulted in 5000 tokens. Please reduce the length of the messages."));
    }

    [Test]
    public async Task AnArgumentExceptionThatOnlySoundsLikeItIsAPlainBadRequest()
    {
        var thrown = new ArgumentException("Something else: the maximum model length is 10.", "messages");
        await using var host = await TestHost.ScriptedAsync(o => o.ServedModelNames = ["scripted"], services: s => s.AddSingleton<IChatClient>(new ThrowingChatClient(thrown)));

        var (status, body) = await Http.PostAsync(host.Client, "/v1/chat/completions", Http.Chat("hi"));

        Assert.That(status, Is.EqualTo(400), body?.ToJsonString());
        Assert.That((string?)body!["error"]!["code"], Is.EqualTo("invalid_value"));
        Assert.That((string?)body["error"]!["message"], Is.EqualTo("Something else: the maximum model length is 10."));
    }

    [Test]
    public async Task TheEngineRaisesTheTypedExceptionForTokenPrompts()
    {
        await using var host = await TestHost.ScriptedAsync(maxModelLength: 64);

        var error = Assert.Catch<PromptTooLongException>(() => host.Engine.AddRequest("long", Enumerable.Repeat(65, 64).ToArray()));

        Assert.That((error!.PromptTokenCount, error.MaxModelLength, error.ParamName), Is.EqualTo((64, 64, "promptTokenIds")));
    }

    /// <summary>A chat client that fails every call with one exception, as a third-party client might.</summary>
    private sealed class ThrowingChatClient(Exception error) : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw error;

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw error;

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
