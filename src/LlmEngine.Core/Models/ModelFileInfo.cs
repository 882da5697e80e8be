namespace LlmEngine.Models;

/// <summary>
/// A model file's <see cref="FileInfo"/> with symbolic links followed. The Hugging Face cache keeps snapshot files as
/// links to blobs, and <see cref="FileInfo.Length"/> of a link is the link's own size, not the file's.
/// </summary>
internal static class ModelFileInfo
{
    public static FileInfo Of(string path)
    {
        var info = new FileInfo(path);
        return info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is FileInfo target ? target : info;
    }
}
