namespace LlmEngine.Models.Hub;

/// <summary>
/// Thrown when a model cannot be fetched from the Hugging Face Hub or found in its cache: the repository, revision or
/// file does not exist, access is refused (private or gated: set <c>HF_TOKEN</c>), a download fails its checksum, or
/// offline mode finds nothing cached. The message names the repository and says what to do.
/// </summary>
public sealed class HubException : Exception
{
    /// <summary>Creates the exception for <paramref name="repoId"/>.</summary>
    public HubException(string repoId, string message, int? statusCode = null, Exception? inner = null)
        : base(message, inner)
    {
        RepoId = repoId;
        StatusCode = statusCode;
    }

    /// <summary>The repository, such as <c>Qwen/Qwen2.5-0.5B-Instruct</c>.</summary>
    public string RepoId { get; }

    /// <summary>The hub's HTTP status, when an answer from the hub caused the failure.</summary>
    public int? StatusCode { get; }
}
