using Microsoft.Extensions.AI;

namespace LlmEngine.Hosting.Tests.Fakes;

/// <summary>A deterministic embedding generator: each vector holds the input's length and character codes.</summary>
internal sealed class HashEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    public List<EmbeddingGenerationOptions?> Calls { get; } = [];

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        Calls.Add(options);
        var dimensions = options?.Dimensions ?? 4;
        var result = new GeneratedEmbeddings<Embedding<float>>();
        foreach (var value in values)
        {
            var vector = new float[dimensions];
            vector[0] = value.Length;
            for (var i = 1; i < dimensions; i++)
            {
                vector[i] = i - 1 < value.Length ? value[i - 1] : 0.5f;
            }
            result.Add(new Embedding<float>(vector));
        }
        result.Usage = new UsageDetails { InputTokenCount = 7 };
        return Task.FromResult(result);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
