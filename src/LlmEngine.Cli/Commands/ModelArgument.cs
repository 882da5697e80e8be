using LlmEngine.Models.Hub;

namespace LlmEngine.Cli.Commands;

/// <summary>
/// Turns a command's MODEL into a local path: a GGUF file or Hugging Face folder stays as it is; a Hugging Face repo
/// id (<c>org/name</c>, <c>org/name:Q4_K_M</c>) is fetched into the Hugging Face cache (or found there) first.
/// </summary>
internal static class ModelArgument
{
    /// <summary>The local path for <paramref name="model"/> and the name to serve it under (the repo id for a hub model, else null); null for null.</summary>
    /// <exception cref="HubException">A hub model cannot be fetched or found in the cache.</exception>
    public static async Task<(string Path, string? Name)?> ResolveAsync(string? model, TextWriter log, CancellationToken cancellationToken)
    {
        if (model is null)
        {
            return null;
        }
        if (!HubModelReference.TryParse(model, out var reference))
        {
            return (model, null);
        }
        var options = HubOptions.FromEnvironment();
        log.WriteLine(options.Offline
            ? $"{reference}: offline, looking in the Hugging Face cache {options.CacheDirectory}"
            : $"{reference}: fetching from {options.Endpoint} into {options.CacheDirectory}");
        log.Flush();
        using var downloader = new HubDownloader(options);
        using var bars = new DownloadProgressBars();
        var snapshot = await downloader.DownloadAsync(reference!, bars, cancellationToken).ConfigureAwait(false);
        bars.Dispose();
        foreach (var note in snapshot.Notes)
        {
            log.WriteLine("note: " + note);
        }
        log.WriteLine($"{reference}: {(snapshot.DownloadedFiles == 0 ? "all files cached" : $"downloaded {snapshot.DownloadedFiles} of {snapshot.Files.Count} files")}, snapshot {snapshot.Commit}");
        return (snapshot.ModelPath, reference!.ToString());
    }

    /// <summary>The local path for <paramref name="model"/>, or null for null.</summary>
    public static async Task<string?> ResolvePathAsync(string? model, TextWriter log, CancellationToken cancellationToken) =>
        (await ResolveAsync(model, log, cancellationToken).ConfigureAwait(false))?.Path;

    /// <summary>One <see cref="ConsoleProgressBar"/> per downloading file, reported to synchronously so the bar never goes backwards.</summary>
    private sealed class DownloadProgressBars : IProgress<HubDownloadProgress>, IDisposable
    {
        private string? _file;
        private ConsoleProgressBar? _bar;

        public void Report(HubDownloadProgress value)
        {
            if (value.File != _file)
            {
                _bar?.Dispose();
                _file = value.File;
                var size = value.TotalBytes is { } total ? $" ({InspectCommand.FormatBytes(total)})" : "";
                _bar = new ConsoleProgressBar($"{value.File}{size}");
            }
            _bar!.Report(value.Fraction ?? 0);
        }

        public void Dispose()
        {
            _bar?.Dispose();
            _bar = null;
        }
    }
}
