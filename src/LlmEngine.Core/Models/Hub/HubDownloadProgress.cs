namespace LlmEngine.Models.Hub;

/// <summary>How far the download of one file has got.</summary>
/// <param name="File">The repository-relative path being downloaded.</param>
/// <param name="BytesDownloaded">Bytes on disk so far, including those of a resumed partial download.</param>
/// <param name="TotalBytes">The file's size, when the hub gave it.</param>
public readonly record struct HubDownloadProgress(string File, long BytesDownloaded, long? TotalBytes)
{
    /// <summary>The fraction done in [0, 1], or null when the size is unknown.</summary>
    public double? Fraction => TotalBytes is > 0 and var total ? Math.Clamp((double)BytesDownloaded / total, 0, 1) : null;
}
