namespace LlmEngine.Hosting.Health;

/// <summary>The body of <c>GET /version</c>.</summary>
internal sealed class VersionResponse
{
    public required string Version { get; init; }
}
