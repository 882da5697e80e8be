// An OpenAI-compatible server in a few lines: load a model, register it, map the endpoints.
// Run: dotnet run --project samples/OpenAiServer -- path/to/model.gguf [chat-template.jinja]
using LlmEngine;
using LlmEngine.Chat;
using LlmEngine.Composition;
using LlmEngine.Hosting;
using LlmEngine.Templates;
using Microsoft.Extensions.AI;

var modelPath = args.Length > 0 ? args[0] : Path.Combine("..", "shared", "models", "stories260K.gguf");
var model = LocalModel.Load(new LocalModelOptions { Model = modelPath, ServedModelName = "local-model" });

var builder = WebApplication.CreateSlimBuilder(args);
builder.Services.AddSingleton(model);
builder.Services.AddSingleton<ILlmEngine>(model.Engine);

// Chat needs a chat template: the model's own (GGUF metadata or Hugging Face folder), or one given on the command line.
var resolver = new ChatTemplateResolver
{
    ExplicitTemplate = args.Length > 1 ? args[1] : null,
    ModelDirectory = model.Model.HuggingFace?.SourcePath,
    GgufMetadata = model.Model.Gguf is { } gguf ? key => gguf.Metadata.GetString(key) : null,
};
try
{
    var template = resolver.Resolve(hasTools: false);
    builder.Services.AddSingleton<IChatClient>(new LlmEngineChatClient(model.Engine, template, new LlmEngineChatClientOptions { ModelId = model.ModelId }));
}
catch (ChatTemplateException error)
{
    Console.WriteLine($"No chat template ({error.Message}); serving /v1/completions only.");
}

var app = builder.Build();
app.MapOpenAiEndpoints(options =>
{
    // Only /v1/* needs the key; /health and /metrics stay open for probes.
    if (Environment.GetEnvironmentVariable("LLMENGINE_API_KEY") is { Length: > 0 } key)
    {
        options.ApiKeys = [key];
    }
});
app.Lifetime.ApplicationStopped.Register(model.Dispose);
app.Run();
