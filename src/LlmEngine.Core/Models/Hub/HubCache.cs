namespace LlmEngine.Models.Hub;

/// <summary>
/// The Hugging Face cache layout, shared with <c>huggingface_hub</c> and every tool built on it:
/// <c>models--org--name/blobs/&lt;etag&gt;</c> holds each file's bytes once (named by its etag: the sha256 of LFS
/// files, the git blob sha1 of others), <c>snapshots/&lt;commit&gt;/&lt;path&gt;</c> links to the blobs of one
/// commit, and <c>refs/&lt;revision&gt;</c> holds the commit a branch or tag pointed to when last fetched.
/// </summary>
public sealed class HubCache
{
    /// <summary>A cache rooted at <paramref name="cacheDirectory"/> (<see cref="HubOptions.CacheDirectory"/>).</summary>
    public HubCache(string cacheDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(cacheDirectory);
        Root = Path.GetFullPath(cacheDirectory);
    }

    /// <summary>The cache folder.</summary>
    public string Root { get; }

    /// <summary>The folder of <paramref name="repoId"/>: <c>models--org--name</c>.</summary>
    public string RepoFolder(string repoId) => Path.Combine(Root, "models--" + repoId.Replace("/", "--", StringComparison.Ordinal));

    /// <summary>Where the blob named <paramref name="etag"/> lives.</summary>
    public string BlobPath(string repoId, string etag) => Path.Combine(RepoFolder(repoId), "blobs", etag);

    /// <summary>The folder of one commit's files.</summary>
    public string SnapshotFolder(string repoId, string commit) => Path.Combine(RepoFolder(repoId), "snapshots", commit);

    /// <summary>The path a repository file has in a snapshot.</summary>
    public string SnapshotPath(string repoId, string commit, string file) =>
        Path.Combine(SnapshotFolder(repoId, commit), file.Replace('/', Path.DirectorySeparatorChar));

    /// <summary>The commit <paramref name="revision"/> pointed to when last fetched (a commit hash names itself), or null when unknown.</summary>
    public string? ReadRef(string repoId, string revision)
    {
        var path = Path.Combine(RepoFolder(repoId), "refs", revision);
        if (File.Exists(path))
        {
            var commit = File.ReadAllText(path).Trim();
            return commit.Length > 0 ? commit : null;
        }
        return IsCommitHash(revision) && Directory.Exists(SnapshotFolder(repoId, revision)) ? revision : null;
    }

    /// <summary>Records that <paramref name="revision"/> points to <paramref name="commit"/>.</summary>
    public void WriteRef(string repoId, string revision, string commit)
    {
        if (revision == commit)
        {
            return;
        }
        var path = Path.Combine(RepoFolder(repoId), "refs", revision);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + "." + Environment.ProcessId + ".tmp";
        File.WriteAllText(temp, commit);
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Whether the snapshot of <paramref name="commit"/> has <paramref name="file"/> (a link whose blob is there).</summary>
    public bool HasFile(string repoId, string commit, string file) => File.Exists(SnapshotPath(repoId, commit, file));

    /// <summary>The repository-relative paths (with <c>/</c>) of the files in a snapshot, for choosing among them offline.</summary>
    public IReadOnlyList<string> ListSnapshot(string repoId, string commit)
    {
        var folder = SnapshotFolder(repoId, commit);
        var files = new List<string>();
        if (!Directory.Exists(folder))
        {
            return files;
        }
        foreach (var path in Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories))
        {
            if (File.Exists(path))
            {
                files.Add(Path.GetRelativePath(folder, path).Replace(Path.DirectorySeparatorChar, '/'));
            }
        }
        files.Sort(StringComparer.Ordinal);
        return files;
    }

    /// <summary>
    /// Puts <paramref name="file"/> into the snapshot as a relative symbolic link to its blob. Where links cannot be
    /// made (Windows without developer mode), a newly downloaded blob is moved there and an existing one copied, as
    /// <c>huggingface_hub</c> does.
    /// </summary>
    public void LinkIntoSnapshot(string repoId, string commit, string file, string etag, bool newBlob)
    {
        var target = SnapshotPath(repoId, commit, file);
        var blob = BlobPath(repoId, etag);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        if (File.Exists(target) || new FileInfo(target).LinkTarget is not null)
        {
            File.Delete(target);
        }
        try
        {
            File.CreateSymbolicLink(target, Path.GetRelativePath(Path.GetDirectoryName(target)!, blob));
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            if (newBlob)
            {
                File.Move(blob, target);
            }
            else
            {
                File.Copy(blob, target);
            }
        }
    }

    /// <summary>Whether <paramref name="text"/> is a 40-digit commit hash.</summary>
    internal static bool IsCommitHash(string text) => text.Length == 40 && IsHex(text);

    internal static bool IsHex(string text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }
        return text.Length > 0;
    }
}
