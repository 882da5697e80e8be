// An OpenAI-compatible server in a few lines: register a model, map the endpoints.
// Run: dotnet run --project samples/OpenAiServer -- path/to/model.gguf [chat-template.jinja]
using LlmEngine.Hosting;

var modelPath = args.Length > 0 ? args[0] : Path.Combine("..", "shared", "models", "archs", "hf", "tiny-qwen2");

var builder = WebApplication.CreateSlimBuilder(args);
builder.Services.AddLlmEngine(options =>
{
    options.Model = modelPath;
    options.ServedModelName = "local-model";
    // Without one, the model's own chat template is used (GGUF metadata or the Hugging Face folder).
    options.ChatTemplate = args.Length > 1 ? args[1] : null;
});

var app = builder.Build();
app.MapOpenAiEndpoints(options =>
{
    // Only /v1/* needs the key; /health and /metrics stay open for probes.
    if (Environment.GetEnvironmentVariable("LLMENGINE_API_KEY") is { Length: > 0 } key)
    {
        options.ApiKeys = [key];
    }
});
app.Run();
