namespace LlmEngine.Models.Hub;

/// <summary>
/// A model named by its Hugging Face repository: <c>org/name</c>, optionally with a GGUF quantisation tag
/// (<c>org/name:Q4_K_M</c>, as <c>llama.cpp -hf</c> and Ollama write it) and a revision (branch, tag or commit).
/// </summary>
public sealed record HubModelReference
{
    /// <summary>Creates a reference to <paramref name="repoId"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="repoId"/> is not of the form <c>org/name</c>.</exception>
    public HubModelReference(string repoId, string? quantization = null, string revision = "main")
    {
        if (!IsRepoId(repoId))
        {
            throw new ArgumentException($"'{repoId}' is not a Hugging Face repository id (org/name).", nameof(repoId));
        }
        ArgumentException.ThrowIfNullOrWhiteSpace(revision);
        RepoId = repoId;
        Quantization = string.IsNullOrWhiteSpace(quantization) ? null : quantization;
        Revision = revision;
    }

    /// <summary>The repository, such as <c>Qwen/Qwen2.5-0.5B-Instruct-GGUF</c>.</summary>
    public string RepoId { get; }

    /// <summary>The GGUF quantisation to pick (<c>Q4_K_M</c>, <c>Q8_0</c>...), or null for the default choice.</summary>
    public string? Quantization { get; }

    /// <summary>The branch, tag or commit to fetch.</summary>
    public string Revision { get; }

    /// <summary>
    /// Reads <c>org/name</c> or <c>org/name:TAG</c>. A path that exists on disk, one that starts with <c>.</c>,
    /// <c>/</c> or <c>~</c>, has more than one <c>/</c> or ends in <c>.gguf</c> is not a repository id, so a
    /// mistyped local path is reported as a missing file rather than looked up on the hub.
    /// </summary>
    public static bool TryParse(string? text, out HubModelReference? reference)
    {
        reference = null;
        if (string.IsNullOrWhiteSpace(text) || File.Exists(text) || Directory.Exists(text))
        {
            return false;
        }
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        var repo = colon < 0 ? text : text[..colon];
        var tag = colon < 0 ? null : text[(colon + 1)..];
        if (!IsRepoId(repo) || repo.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase) || (tag is not null && !IsName(tag)))
        {
            return false;
        }
        reference = new HubModelReference(repo, tag);
        return true;
    }

    /// <summary>The reference as it is written: <c>org/name</c> or <c>org/name:TAG</c>.</summary>
    public override string ToString() => Quantization is null ? RepoId : RepoId + ":" + Quantization;

    private static bool IsRepoId(string text)
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 && slash == text.LastIndexOf('/') && IsName(text[..slash]) && IsName(text[(slash + 1)..]);
    }

    // The hub's rule for names: letters, digits, '-', '_' and '.', not starting with '.' or '-', at most 96 characters.
    private static bool IsName(string part)
    {
        if (part.Length is 0 or > 96 || part[0] is '.' or '-' || part.Contains("..", StringComparison.Ordinal))
        {
            return false;
        }
        foreach (var c in part)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                return false;
            }
        }
        return true;
    }
}
