namespace LlmEngine.Hosting.Embeddings;

/// <summary>The body of an embeddings response; <typeparamref name="T"/> is <c>float[]</c> or a base64 string.</summary>
internal sealed class EmbeddingResponse<T>
{
    public string Object => "list";

    public required List<EmbeddingItem<T>> Data { get; init; }

    public required string Model { get; init; }

    public required EmbeddingUsage Usage { get; init; }
}

/// <summary>One input's embedding.</summary>
internal sealed class EmbeddingItem<T>
{
    public string Object => "embedding";

    public required int Index { get; init; }

    public required T Embedding { get; init; }
}

/// <summary>An embeddings response's <c>usage</c>.</summary>
internal sealed class EmbeddingUsage
{
    public required int PromptTokens { get; init; }

    public required int TotalTokens { get; init; }
}
