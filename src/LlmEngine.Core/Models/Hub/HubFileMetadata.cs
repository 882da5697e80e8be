namespace LlmEngine.Models.Hub;

/// <summary>What a <c>HEAD {endpoint}/{repo}/resolve/{rev}/{file}</c> tells about one file.</summary>
/// <param name="Commit">The commit the file was resolved at (<c>X-Repo-Commit</c>), when the hub says.</param>
/// <param name="Etag">The file's etag (<c>X-Linked-Etag</c> for LFS files, whose etag is their sha256, else <c>ETag</c>, the git blob sha1), unquoted.</param>
/// <param name="Size">The file's size in bytes (<c>X-Linked-Size</c>, else <c>Content-Length</c>), when known.</param>
/// <param name="Location">Where to download it from: the resolve URL, or the storage URL it redirects to.</param>
public sealed record HubFileMetadata(string? Commit, string Etag, long? Size, Uri Location)
{
    /// <summary>Whether the etag is a sha256 (an LFS file), so the download can be checked against it.</summary>
    public bool IsSha256 => Etag.Length == 64 && HubCache.IsHex(Etag);

    /// <summary>Whether the etag is a git blob sha1 (a small file kept in git), so the download can be checked against it.</summary>
    public bool IsGitBlobSha1 => Etag.Length == 40 && HubCache.IsHex(Etag);
}
