// QuickStart: register a local model with AddLlmEngine, inject IChatClient, stream an answer.
// Usage: dotnet run --project samples/QuickStart [model.gguf | hf-folder]
// Without an argument it uses the shared tiny Qwen2 test model (random weights: the words are gibberish,
// but every step, chat template, tokenizer, engine, streaming, is the real one).
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

var model = args.Length > 0 ? args[0] : SharedModel("archs/hf/tiny-qwen2");

var services = new ServiceCollection();
services.AddLlmEngine(options =>
{
    options.Model = model;
    options.KVCacheMemoryBytes = 64 << 20;
    options.Engine.NumThreads = 2;
});
services.AddSingleton<Storyteller>();

await using var provider = services.BuildServiceProvider();
var storyteller = provider.GetRequiredService<Storyteller>();
await storyteller.TellAsync("Tell me a short story about a dragon.");
return 0;

// The shared test models: LLMENGINE_TEST_DATA, else a "shared/models" folder beside the repository.
static string SharedModel(string relativePath)
{
    var root = Environment.GetEnvironmentVariable("LLMENGINE_TEST_DATA");
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); root is null && dir is not null; dir = dir.Parent)
    {
        var candidate = Path.Combine(dir.FullName, "shared", "models");
        if (Directory.Exists(candidate))
        {
            root = candidate;
        }
    }
    return Path.Combine(root ?? throw new DirectoryNotFoundException("Pass a model path, or set LLMENGINE_TEST_DATA to the shared models folder."), relativePath);
}

/// <summary>Any class can take the model's <see cref="IChatClient"/> from dependency injection.</summary>
internal sealed class Storyteller(IChatClient chat)
{
    public async Task TellAsync(string request)
    {
        Console.WriteLine($"model: {chat.GetService<ChatClientMetadata>()?.DefaultModelId}");
        Console.WriteLine($"user: {request}");
        Console.Write("assistant: ");
        UsageDetails? usage = null;
        ChatFinishReason? finish = null;
        var options = new ChatOptions { MaxOutputTokens = 48, Temperature = 0.8f, Seed = 42 };
        await foreach (var update in chat.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, request)], options))
        {
            Console.Write(update.Text);
            usage = update.Contents.OfType<UsageContent>().FirstOrDefault()?.Details ?? usage;
            finish = update.FinishReason ?? finish;
        }
        Console.WriteLine();
        Console.WriteLine($"finish: {finish}; tokens: {usage?.InputTokenCount} in, {usage?.OutputTokenCount} out, {usage?.CachedInputTokenCount} from the prefix cache");
    }
}
