using System.Numerics.Tensors;
using LlmEngine.Embeddings;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

// Semantic search with an in-process embedding model: embed a few documents, embed the query, rank by cosine similarity.
// Usage: dotnet run --project samples/Embeddings -- [model.gguf or Hugging Face folder] [query]
// Without a model argument it uses the shared stories260K.gguf (a tiny story-telling decoder, mean-pooled here: it runs
// everywhere, but only a real embedding model such as bge-small-en-v1.5 gives meaningful rankings).
var model = args.Length > 0 ? args[0] : SharedModels.Find("stories260K.gguf");
var query = args.Length > 1 ? args[1] : "Where did the children play?";

var services = new ServiceCollection();
services.AddLlmEngine(options => options.Model = model)
    .ConfigureEmbeddingGenerator(options =>
    {
        // A model's own pooling (GGUF pooling_type, sentence-transformers' 1_Pooling) wins; stories260K declares none.
        if (args.Length == 0)
        {
            options.Pooling = PoolingType.Mean;
        }
    });
await using var provider = services.BuildServiceProvider();
var generator = provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();

string[] documents =
[
    "Lily and Ben played with a red ball in the park.",
    "The old man fixed the roof of his house before the storm.",
    "A little bird sang a happy song in the tall tree.",
    "Mom baked a big chocolate cake for the birthday party.",
    "The children built a sandcastle on the beach.",
];

var embeddings = await generator.GenerateAsync(documents);
var queryVector = (await generator.GenerateAsync([query]))[0].Vector;

Console.WriteLine($"Model: {generator.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId} ({embeddings[0].Dimensions} dimensions, {embeddings.Usage?.InputTokenCount} document tokens)");
Console.WriteLine($"Query: {query}");
var ranked = documents
    .Select((text, i) => (Text: text, Score: TensorPrimitives.CosineSimilarity(queryVector.Span, embeddings[i].Vector.Span)))
    .OrderByDescending(r => r.Score);
foreach (var (text, score) in ranked)
{
    Console.WriteLine($"  {score,7:F4}  {text}");
}

/// <summary>Finds the shared test models: <c>LLMENGINE_TEST_DATA</c>, else <c>../shared/models</c> beside the repository.</summary>
internal static class SharedModels
{
    public static string Find(string file)
    {
        var root = Environment.GetEnvironmentVariable("LLMENGINE_TEST_DATA");
        if (string.IsNullOrWhiteSpace(root))
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "LlmEngine.sln")))
            {
                dir = dir.Parent;
            }
            root = Path.Combine(dir?.FullName ?? Directory.GetCurrentDirectory(), "..", "shared", "models");
        }
        var path = Path.GetFullPath(Path.Combine(root, file));
        return File.Exists(path) ? path : throw new FileNotFoundException($"Model not found: {path}. Pass a model path, or set LLMENGINE_TEST_DATA to the shared models folder.");
    }
}
