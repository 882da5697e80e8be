using LlmEngine.Models.Gguf;

namespace LlmEngine.Models;

/// <summary>Opens a model from a path, whatever its format.</summary>
public static class ModelLoader
{
    /// <summary>
    /// Opens <paramref name="path"/>: a <c>.gguf</c> file, or a Hugging Face folder. Throws
    /// <see cref="ModelLoadException"/> naming the path and the problem when it cannot be loaded.
    /// </summary>
    public static LoadedModel Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var fullPath = Path.GetFullPath(path);
        if (Directory.Exists(fullPath))
        {
            throw new ModelLoadException(fullPath, "Hugging Face folders are not supported yet; convert the model to GGUF");
        }
        if (!File.Exists(fullPath))
        {
            throw new ModelLoadException(fullPath, "no such file or folder");
        }
        var file = GgufFile.Open(fullPath);
        try
        {
            return new LoadedModel(file, GgufModelConfig.FromGguf(file), ModelFormat.Gguf);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }
}
