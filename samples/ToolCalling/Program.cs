// ToolCalling: a local model calls .NET functions through Microsoft.Extensions.AI's UseFunctionInvocation().
// Usage: dotnet run --project samples/ToolCalling [model.gguf | hf-folder]
// Without an argument it uses the shared tiny Qwen2 test model: its weights are random, so it will not really call
// the tool, but the whole path runs (tools rendered by the Qwen2.5 template, Hermes tool-call parsing armed).
using System.ComponentModel;
using LlmEngine.Chat;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

var useTinyModel = args.Length == 0;
var model = useTinyModel ? SharedModel("archs/hf/tiny-qwen2") : args[0];

var services = new ServiceCollection();
services.AddLlmEngine(options =>
{
    options.Model = model;
    options.KVCacheMemoryBytes = 64 << 20;
    options.Engine.NumThreads = 2;
    if (useTinyModel)
    {
        // The tiny model has 512 positions and a 512-token vocabulary: Qwen2.5's tool instructions alone need more.
        options.Engine.MaxModelLength = 2048;
    }
})
.UseChatClient((client, provider) => client.AsBuilder().UseFunctionInvocation().Build(provider));

await using var provider = services.BuildServiceProvider();
var chat = provider.GetRequiredService<IChatClient>();
var local = chat.GetService<LlmEngineChatClient>()!;
Console.WriteLine($"model: {local.ModelId}; tool-call format from its chat template: {local.TemplateToolCallFormat}");

var calls = 0;
var weather = AIFunctionFactory.Create(
    ([Description("The city name")] string city) =>
    {
        calls++;
        Console.WriteLine($"  -> get_weather(\"{city}\") called by the model");
        return new { city, temperature = 18, condition = "cloudy" };
    },
    "get_weather",
    "Gets the current weather for a city.");

var question = "What's the weather like in Paris today?";
Console.WriteLine($"user: {question}");
var response = await chat.GetResponseAsync(
    [new ChatMessage(ChatRole.User, question)],
    new ChatOptions { Tools = [weather], MaxOutputTokens = 64, Temperature = 0 });

foreach (var message in response.Messages)
{
    foreach (var content in message.Contents)
    {
        Console.WriteLine(content switch
        {
            FunctionCallContent call => $"{message.Role}: call {call.Name} ({call.CallId})",
            FunctionResultContent result => $"{message.Role}: result for {result.CallId}",
            TextReasoningContent reasoning => $"{message.Role} (thinking): {reasoning.Text}",
            TextContent text => $"{message.Role}: {text.Text}",
            UsageContent => null,
            _ => $"{message.Role}: {content.GetType().Name}",
        });
    }
}
Console.WriteLine($"finish: {response.FinishReason}; function calls: {calls}; tokens: {response.Usage?.InputTokenCount} in, {response.Usage?.OutputTokenCount} out");
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
