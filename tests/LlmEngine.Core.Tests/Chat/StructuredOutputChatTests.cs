using LlmEngine.Chat;
using LlmEngine.Composition;
using LlmEngine.Tests.Infrastructure;
using Microsoft.Extensions.AI;
using NUnit.Framework;

namespace LlmEngine.Tests.Chat;

/// <summary><c>GetResponseAsync&lt;T&gt;</c> on a real (random-weight) model: constrained decoding makes the JSON valid.</summary>
[NonParallelizable]
public class StructuredOutputChatTests
{
    /// <summary>The typed result the model must produce.</summary>
    public sealed record Pet(string Name, int Age, bool Friendly);

    [Test]
    public async Task GetResponseAsyncOfT_ReturnsAValidRecord([Values(1, 2, 3)] long seed)
    {
        await using var model = LocalModel.Load(new LocalModelOptions
        {
            Model = TestData.Directory("archs/hf/tiny-qwen2"),
            KVCacheMemoryBytes = 64 << 20,
            Engine = new LlmEngineOptions { NumThreads = 1, MaxModelLength = 512 },
        });
        using var client = new LlmEngineChatClient(model);
        var options = new ChatOptions { Temperature = 1f, Seed = seed, MaxOutputTokens = 300 };

        var response = await client.GetResponseAsync<Pet>("Describe a pet as JSON.", options, useJsonSchemaResponseFormat: true);

        Assert.That(response.TryGetResult(out var pet), Is.True, response.Text);
        Assert.That(pet!.Name, Is.Not.Null, response.Text);
    }
}
