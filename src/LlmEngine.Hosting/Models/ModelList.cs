namespace LlmEngine.Hosting.Models;

/// <summary>The body of <c>GET /v1/models</c>.</summary>
internal sealed class ModelList
{
    public string Object => "list";

    public required List<ModelCard> Data { get; init; }
}

/// <summary>One served model name.</summary>
internal sealed class ModelCard
{
    public required string Id { get; init; }

    public string Object => "model";

    public required long Created { get; init; }

    public string OwnedBy => "llmengine";

    public required string Root { get; init; }

    public required int MaxModelLen { get; init; }
}
