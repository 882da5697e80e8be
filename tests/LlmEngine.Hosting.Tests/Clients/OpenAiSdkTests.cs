using System.ClientModel;
using System.Text.Json;
using LlmEngine.Hosting.Tests.Fakes;
using LlmEngine.Hosting.Tests.Infrastructure;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using OpenAI;
using OpenAI.Chat;

namespace LlmEngine.Hosting.Tests.Clients;

/// <summary>The official OpenAI .NET SDK, and M.E.AI's IChatClient over it, against Kestrel on 127.0.0.1.</summary>
[TestFixture]
public sealed class OpenAiSdkTests
{
    private const string ApiKey = "sk-test-key";
    private const string WeatherSchema = """{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}""";

    private TestHost _host = null!;
    private OpenAIClient _client = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _host = await TestHost.ScriptedAsync(o => o.ApiKeys = [ApiKey], kestrel: true,
            services: s => s.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(new HashEmbeddingGenerator()));
        _client = Client(ApiKey);
    }

    [OneTimeTearDown]
    public async Task StopAsync() => await _host.DisposeAsync();

    [Test]
    public async Task CompletesAChat()
    {
        ChatCompletion completion = await _client.GetChatClient("scripted").CompleteChatAsync([new UserChatMessage("Hi there")]);

        Assert.That(completion.Content[0].Text, Is.EqualTo(Script.Greeting));
        Assert.That(completion.FinishReason, Is.EqualTo(OpenAI.Chat.ChatFinishReason.Stop));
        Assert.That(completion.Role, Is.EqualTo(ChatMessageRole.Assistant));
        Assert.That(completion.Usage.OutputTokenCount, Is.EqualTo(Script.Greeting.Length + 1));
        Assert.That(completion.Model, Is.EqualTo("scripted"));
    }

    [Test]
    public async Task StreamsAChatWithUsage()
    {
        var text = new System.Text.StringBuilder();
        OpenAI.Chat.ChatFinishReason? finish = null;
        ChatTokenUsage? usage = null;
        var updates = 0;
        await foreach (var update in _client.GetChatClient("scripted").CompleteChatStreamingAsync([new UserChatMessage("Hi there")]))
        {
            updates++;
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }
            finish ??= update.FinishReason;
            usage ??= update.Usage;
        }

        Assert.That(text.ToString(), Is.EqualTo(Script.Greeting));
        Assert.That(finish, Is.EqualTo(OpenAI.Chat.ChatFinishReason.Stop));
        Assert.That(updates, Is.GreaterThan(5));
        Assert.That(usage?.OutputTokenCount, Is.EqualTo(Script.Greeting.Length + 1), "the SDK asks for stream usage and reads it");
    }

    [Test]
    public async Task ToolCallRoundTrip()
    {
        var chat = _client.GetChatClient("scripted");
        var options = new ChatCompletionOptions { Tools = { ChatTool.CreateFunctionTool("get_weather", "Current weather", BinaryData.FromString(WeatherSchema)) } };
        List<OpenAI.Chat.ChatMessage> messages = [new UserChatMessage("What is the weather like?")];

        ChatCompletion first = await chat.CompleteChatAsync(messages, options);
        Assert.That(first.FinishReason, Is.EqualTo(OpenAI.Chat.ChatFinishReason.ToolCalls));
        var call = first.ToolCalls.Single();
        Assert.That(call.FunctionName, Is.EqualTo("get_weather"));
        Assert.That(JsonDocument.Parse(call.FunctionArguments).RootElement.GetProperty("city").GetString(), Is.EqualTo("Paris"));

        messages.Add(new AssistantChatMessage(first));
        messages.Add(new ToolChatMessage(call.Id, "21C, sunny"));
        ChatCompletion second = await chat.CompleteChatAsync(messages, options);
        Assert.That(second.Content[0].Text, Is.EqualTo(Script.WeatherAnswer));
    }

    [Test]
    public async Task StreamedToolCallsAssemble()
    {
        var options = new ChatCompletionOptions { Tools = { ChatTool.CreateFunctionTool("get_weather", "Current weather", BinaryData.FromString(WeatherSchema)) } };
        var names = new Dictionary<int, string>();
        var arguments = new Dictionary<int, string>();
        OpenAI.Chat.ChatFinishReason? finish = null;
        await foreach (var update in _client.GetChatClient("scripted").CompleteChatStreamingAsync([new UserChatMessage("What is the weather in Paris and London?")], options))
        {
            foreach (var part in update.ToolCallUpdates)
            {
                if (part.FunctionName is { } name)
                {
                    names[part.Index] = name;
                }
                arguments[part.Index] = arguments.GetValueOrDefault(part.Index, "") + part.FunctionArgumentsUpdate?.ToString();
            }
            finish ??= update.FinishReason;
        }

        Assert.That(finish, Is.EqualTo(OpenAI.Chat.ChatFinishReason.ToolCalls));
        Assert.That(names.Values, Is.EqualTo(new[] { "get_weather", "get_weather" }));
        Assert.That(arguments.Values.Select(a => JsonDocument.Parse(a).RootElement.GetProperty("city").GetString()), Is.EqualTo(new[] { "Paris", "London" }));
    }

    [Test]
    public async Task MicrosoftExtensionsAiFunctionInvocationRoundTrip()
    {
        using var inner = _client.GetChatClient("scripted").AsIChatClient();
        using var chat = new ChatClientBuilder(inner).UseFunctionInvocation().Build();
        var calls = new List<string>();
        var tool = AIFunctionFactory.Create((string city) =>
        {
            calls.Add(city);
            return "21C, sunny";
        }, "get_weather", "Current weather");

        var response = await chat.GetResponseAsync("What is the weather like?", new ChatOptions { Tools = [tool] });

        Assert.That(calls, Is.EqualTo(new[] { "Paris" }));
        Assert.That(response.Text, Is.EqualTo(Script.WeatherAnswer));
    }

    [Test]
    public async Task ListsModels()
    {
        var models = await _client.GetOpenAIModelClient().GetModelsAsync();

        Assert.That(models.Value.Select(m => m.Id), Is.EqualTo(new[] { "scripted" }));
        Assert.That(models.Value[0].OwnedBy, Is.EqualTo("llmengine"));
    }

    [Test]
    public async Task GeneratesEmbeddingsInBase64AsTheSdkAsks()
    {
        var embedding = await _client.GetEmbeddingClient("scripted").GenerateEmbeddingAsync("ab");

        Assert.That(embedding.Value.ToFloats().ToArray(), Is.EqualTo(new[] { 2f, 'a', 'b', 0.5f }));
    }

    [Test]
    public async Task ErrorsMapToClientExceptionsWithStatus()
    {
        var wrongKey = await Assert.ThrowsAsync<ClientResultException>(() => Client("wrong").GetChatClient("scripted").CompleteChatAsync([new UserChatMessage("Hi")]));
        Assert.That(wrongKey!.Status, Is.EqualTo(401));

        var unknownModel = await Assert.ThrowsAsync<ClientResultException>(() => _client.GetChatClient("gpt-9").CompleteChatAsync([new UserChatMessage("Hi")]));
        Assert.That(unknownModel!.Status, Is.EqualTo(404));
        Assert.That(unknownModel!.Message, Does.Contain("The model `gpt-9` does not exist."));

        var badTemperature = await Assert.ThrowsAsync<ClientResultException>(() =>
            _client.GetChatClient("scripted").CompleteChatAsync([new UserChatMessage("Hi")], new ChatCompletionOptions { Temperature = -1 }));
        Assert.That(badTemperature!.Status, Is.EqualTo(400));
    }

    private OpenAIClient Client(string key) => new(new ApiKeyCredential(key), new OpenAIClientOptions { Endpoint = new Uri(_host.BaseAddress, "/v1") });
}
