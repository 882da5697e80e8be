using System.ClientModel;
using System.Text.Json;
using LlmEngine.Composition;
using LlmEngine.Hosting.Tests.Infrastructure;
using Microsoft.Extensions.AI;
using NUnit.Framework;
using OpenAI;
using OpenAI.Chat;

namespace LlmEngine.Hosting.Tests.Clients;

/// <summary>
/// The OpenAI .NET SDK's structured-output API (<c>ChatResponseFormat.CreateJsonSchemaFormat</c>) and M.E.AI's
/// <c>GetResponseAsync&lt;T&gt;</c> over it, against Kestrel serving a real (random-weight) model: constrained
/// decoding makes whatever the model samples deserialize into the requested type.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class StructuredOutputSdkTests
{
    private const string ModelName = "tiny-qwen2";

    private const string PetSchema = """
        {"type":"object","properties":{
          "name":{"type":"string","maxLength":20},
          "species":{"enum":["cat","dog","rabbit"]},
          "age":{"type":"integer","minimum":0,"maximum":30},
          "friendly":{"type":"boolean"}},
         "required":["name","species","age","friendly"],"additionalProperties":false}
        """;

    private static readonly string[] s_species = ["cat", "dog", "rabbit"];

    private LocalModel _model = null!;
    private TestHost _host = null!;
    private OpenAIClient _client = null!;

    /// <summary>The record the SDK test asks for.</summary>
    public sealed record Pet(string Name, string Species, int Age, bool Friendly);

    /// <summary>The record <c>GetResponseAsync&lt;T&gt;</c> asks for (its schema comes from the type).</summary>
    public sealed record Booking(int Guests, bool Vegetarian, string[] Dishes);

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _model = LocalModel.Load(new LocalModelOptions
        {
            Model = TestData.Directory("archs/hf/tiny-qwen2"),
            ServedModelName = ModelName,
            KVCacheMemoryBytes = 64 << 20,
            Engine = new LlmEngineOptions { NumThreads = 1, MaxModelLength = 1024, Seed = 9 },
        });
        _host = await TestHost.ChatModelAsync(_model, kestrel: true);
        _client = new OpenAIClient(new ApiKeyCredential("unused"), new OpenAIClientOptions { Endpoint = new Uri(_host.BaseAddress, "/v1") });
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _host.DisposeAsync();
        await _model.DisposeAsync();
    }

    [Test]
    public async Task JsonSchemaResponseFormat_output_deserializes_and_satisfies_the_schema([Values(1, 2, 3)] long seed)
    {
        var options = new ChatCompletionOptions
        {
            ResponseFormat = OpenAI.Chat.ChatResponseFormat.CreateJsonSchemaFormat("pet", BinaryData.FromString(PetSchema), jsonSchemaIsStrict: true),
            Temperature = 1f,
#pragma warning disable OPENAI001 // Seed is marked experimental in the SDK.
            Seed = seed,
#pragma warning restore OPENAI001
            MaxOutputTokenCount = 200,
        };

        ChatCompletion completion = await _client.GetChatClient(ModelName).CompleteChatAsync([new UserChatMessage("Describe a pet as JSON.")], options);

        var text = completion.Content[0].Text;
        Assert.That(completion.FinishReason, Is.EqualTo(OpenAI.Chat.ChatFinishReason.Stop), text);
        var pet = JsonSerializer.Deserialize<Pet>(text, new JsonSerializerOptions(JsonSerializerDefaults.Web) { UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow });
        Assert.That(pet, Is.Not.Null, text);
        Assert.That(pet!.Name.EnumerateRunes().Count(), Is.LessThanOrEqualTo(20), text);
        Assert.That(s_species, Does.Contain(pet.Species), text);
        Assert.That(pet.Age, Is.InRange(0, 30), text);
    }

    [Test]
    public async Task GetResponseAsyncOfT_through_the_OpenAI_chat_client_returns_the_record([Values(1, 2)] long seed)
    {
        using var chat = _client.GetChatClient(ModelName).AsIChatClient();
        var options = new ChatOptions { Temperature = 1f, Seed = seed, MaxOutputTokens = 300 };

        var response = await chat.GetResponseAsync<Booking>("Book a table as JSON.", options, useJsonSchemaResponseFormat: true);

        Assert.That(response.TryGetResult(out var booking), Is.True, response.Text);
        Assert.That(booking!.Dishes, Is.Not.Null, response.Text);
        Assert.That(booking.Dishes, Has.None.Null, response.Text);
    }
}
