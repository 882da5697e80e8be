using System.Net;
using System.Text.Json;

namespace LlmEngine.Models.Hub;

/// <summary>
/// Fetches a model from the Hugging Face Hub into the standard cache, as <c>huggingface_hub.snapshot_download</c>
/// does: one API call for the revision's commit and files, then each needed file not yet in that commit's snapshot is
/// downloaded to <c>blobs/&lt;etag&gt;.incomplete</c> (resumed with a <c>Range</c> request when a previous attempt
/// left one), checked against the hub's checksum, renamed to its blob and linked into the snapshot. A cached model
/// needs no download on the next call, and none of the network when offline or when the hub cannot be reached.
/// </summary>
public sealed class HubDownloader : IDisposable
{
    private const int BufferSize = 1 << 20;
    private readonly HubOptions _options;
    private readonly HubClient _client;

    /// <summary>A downloader for <paramref name="options"/>; <paramref name="handler"/> replaces the network (tests, proxies).</summary>
    public HubDownloader(HubOptions options, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _client = new HubClient(options, handler);
        Cache = new HubCache(options.CacheDirectory);
    }

    /// <summary>The cache the files go into.</summary>
    public HubCache Cache { get; }

    /// <summary>
    /// Makes <paramref name="reference"/>'s model available locally and returns where it is. Online, the revision is
    /// looked up and missing files downloaded; offline (<see cref="HubOptions.Offline"/>), or when the hub cannot be
    /// reached, the snapshot that <c>refs/&lt;revision&gt;</c> names is used.
    /// </summary>
    /// <exception cref="HubException">The model cannot be fetched or found in the cache; the message says why and what to do.</exception>
    public async Task<HubSnapshot> DownloadAsync(HubModelReference reference, IProgress<HubDownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var repo = reference.RepoId;
        if (_options.Offline)
        {
            return FromCache(reference, "offline mode (HF_HUB_OFFLINE is set)", null);
        }
        HubRepoInfo info;
        try
        {
            info = await _client.GetRepoInfoAsync(repo, reference.Revision, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException error) when (error.StatusCode is null)
        {
            return FromCache(reference, $"{_options.Endpoint} cannot be reached ({error.Message})", error);
        }
        var selection = HubFileSelection.Select(repo, reference.Quantization, info.Files);
        var downloaded = 0;
        foreach (var file in selection.Files)
        {
            if (Cache.HasFile(repo, info.Commit, file))
            {
                continue;
            }
            try
            {
                await DownloadFileAsync(repo, info.Commit, file, progress, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception error) when (error is HttpRequestException { StatusCode: null } or IOException && !cancellationToken.IsCancellationRequested)
            {
                throw new HubException(repo, $"Downloading '{file}' of '{repo}' failed: {error.Message} Run again to resume; the partial file is kept in {Path.Combine(Cache.RepoFolder(repo), "blobs")}.", null, error);
            }
            downloaded++;
        }
        Cache.WriteRef(repo, reference.Revision, info.Commit);
        return Snapshot(repo, info.Commit, selection, downloaded, null);
    }

    /// <inheritdoc/>
    public void Dispose() => _client.Dispose();

    private HubSnapshot Snapshot(string repo, string commit, HubFileSelection selection, int downloaded, string? cacheNote)
    {
        var notes = new List<string>(2);
        if (cacheNote is not null)
        {
            notes.Add(cacheNote);
        }
        if (selection.Note is not null)
        {
            notes.Add(selection.Note);
        }
        var path = selection.ModelFile is null ? Cache.SnapshotFolder(repo, commit) : Cache.SnapshotPath(repo, commit, selection.ModelFile);
        return new HubSnapshot(repo, commit, path, selection.Files, downloaded, notes);
    }

    /// <summary>The model from the snapshot that <c>refs/&lt;revision&gt;</c> names, without the network.</summary>
    private HubSnapshot FromCache(HubModelReference reference, string reason, Exception? cause)
    {
        var repo = reference.RepoId;
        var folder = Cache.RepoFolder(repo);
        var commit = Cache.ReadRef(repo, reference.Revision)
            ?? throw new HubException(repo, $"{Capitalize(reason)}, and '{repo}' is not in the Hugging Face cache: {folder} has no refs/{reference.Revision}. " +
                "Download it once with the network (HF_HUB_OFFLINE unset), or point HF_HOME / HF_HUB_CACHE at a cache that has it.", null, cause);
        var snapshot = Cache.SnapshotFolder(repo, commit);
        HubFileSelection selection;
        try
        {
            selection = HubFileSelection.Select(repo, reference.Quantization, Cache.ListSnapshot(repo, commit));
        }
        catch (HubException error)
        {
            throw new HubException(repo, $"{Capitalize(reason)}, and the cached snapshot {snapshot} does not have what '{reference}' needs: {error.Message}", null, cause ?? error);
        }
        if (MissingShard(snapshot, selection) is { } shard)
        {
            throw new HubException(repo, $"{Capitalize(reason)}, and the cached snapshot {snapshot} is incomplete: '{shard}' is missing. Download it again with the network.", null, cause);
        }
        return Snapshot(repo, commit, selection, 0, $"{reason}: using the cached snapshot {commit} of {repo}");
    }

    /// <summary>A weight shard the snapshot's safetensors index names but that is not there (an interrupted download), or null.</summary>
    private static string? MissingShard(string snapshot, HubFileSelection selection)
    {
        foreach (var file in selection.Files)
        {
            if (!file.EndsWith(".safetensors.index.json", StringComparison.Ordinal))
            {
                continue;
            }
            using var index = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(snapshot, file)));
            if (!index.RootElement.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object)
            {
                continue;
            }
            foreach (var entry in map.EnumerateObject())
            {
                if (entry.Value.GetString() is { } shard && !File.Exists(Path.Combine(snapshot, shard)))
                {
                    return shard;
                }
            }
        }
        return null;
    }

    private async Task DownloadFileAsync(string repo, string commit, string file, IProgress<HubDownloadProgress>? progress, CancellationToken cancellationToken)
    {
        var metadata = await _client.GetFileMetadataAsync(repo, commit, file, cancellationToken).ConfigureAwait(false);
        if (metadata.Commit is { } resolved && !string.Equals(resolved, commit, StringComparison.OrdinalIgnoreCase))
        {
            throw new HubException(repo, $"The hub resolved '{file}' of '{repo}' at commit {resolved}, not at the requested {commit}; is {_options.Endpoint} a consistent mirror?");
        }
        if (metadata.Etag.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || metadata.Etag is "." or "..")
        {
            throw new HubException(repo, $"The hub's ETag for '{file}' of '{repo}' ('{metadata.Etag}') cannot name a cache file.");
        }
        var blob = Cache.BlobPath(repo, metadata.Etag);
        var newBlob = !File.Exists(blob);
        if (newBlob)
        {
            await FetchBlobAsync(repo, file, metadata, blob, progress, cancellationToken).ConfigureAwait(false);
        }
        Cache.LinkIntoSnapshot(repo, commit, file, metadata.Etag, newBlob);
    }

    /// <summary>Downloads one file to its blob through <c>.incomplete</c>, resuming what is there, and checks it.</summary>
    private async Task FetchBlobAsync(string repo, string file, HubFileMetadata metadata, string blob, IProgress<HubDownloadProgress>? progress, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(blob)!);
        var incomplete = blob + ".incomplete";
        // FileShare.None: a second process fetching the same blob fails here instead of interleaving its bytes.
        var stream = new FileStream(incomplete, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, BufferSize, FileOptions.Asynchronous);
        bool verified;
        await using (stream.ConfigureAwait(false))
        {
            if (metadata.Size is { } expectedSize && stream.Length > expectedSize)
            {
                stream.SetLength(0);
            }
            using var checksum = HubChecksum.Start(metadata);
            var response = await _client.OpenDownloadAsync(repo, file, metadata.Location, stream.Length, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
            {
                // The partial file is no prefix the server knows: start over.
                response.Dispose();
                stream.SetLength(0);
                response = await _client.OpenDownloadAsync(repo, file, metadata.Location, 0, cancellationToken).ConfigureAwait(false);
            }
            using (response)
            {
                if (response.StatusCode != HttpStatusCode.PartialContent)
                {
                    stream.SetLength(0);
                }
                var buffer = new byte[BufferSize];
                await HashPrefixAsync(stream, checksum, buffer, cancellationToken).ConfigureAwait(false);
                progress?.Report(new HubDownloadProgress(file, stream.Length, metadata.Size));
                await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                await CopyAsync(body, stream, checksum, buffer, file, metadata.Size, progress, cancellationToken).ConfigureAwait(false);
            }
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            verified = Verify(repo, file, metadata, stream.Length, checksum, out var problem);
            if (!verified)
            {
                stream.SetLength(0);
                await stream.DisposeAsync().ConfigureAwait(false);
                File.Delete(incomplete);
                throw new HubException(repo, problem!);
            }
        }
        File.Move(incomplete, blob, overwrite: true);
    }

    private static async Task HashPrefixAsync(FileStream stream, HubChecksum? checksum, byte[] buffer, CancellationToken cancellationToken)
    {
        stream.Position = 0;
        if (checksum is null)
        {
            stream.Seek(0, SeekOrigin.End);
            return;
        }
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            checksum.Append(buffer.AsSpan(0, read));
        }
    }

    private async Task CopyAsync(Stream body, FileStream stream, HubChecksum? checksum, byte[] buffer, string file, long? size,
        IProgress<HubDownloadProgress>? progress, CancellationToken cancellationToken)
    {
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reported = stream.Length;
        while (true)
        {
            stall.CancelAfter(_options.ReadTimeout);
            int read;
            try
            {
                read = await body.ReadAsync(buffer, stall.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new IOException($"no data for {_options.ReadTimeout.TotalSeconds:F0} s.");
            }
            if (read == 0)
            {
                break;
            }
            checksum?.Append(buffer.AsSpan(0, read));
            await stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            if (progress is not null && stream.Length - reported >= BufferSize)
            {
                reported = stream.Length;
                progress.Report(new HubDownloadProgress(file, reported, size));
            }
        }
        progress?.Report(new HubDownloadProgress(file, stream.Length, size));
    }

    private static bool Verify(string repo, string file, HubFileMetadata metadata, long length, HubChecksum? checksum, out string? problem)
    {
        problem = null;
        if (metadata.Size is { } size && size != length)
        {
            problem = $"'{file}' of '{repo}' downloaded as {length} bytes, but the hub says {size}; the partial file was deleted, run again.";
            return false;
        }
        if (checksum is not null && checksum.Finish() is var actual && !string.Equals(actual, checksum.Expected, StringComparison.OrdinalIgnoreCase))
        {
            problem = $"'{file}' of '{repo}' failed its checksum: {checksum.Algorithm} {actual}, but the hub says {checksum.Expected}. The download was deleted; run again (a proxy or mirror may be altering files).";
            return false;
        }
        return true;
    }

    private static string Capitalize(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
