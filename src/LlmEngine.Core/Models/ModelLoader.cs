using LlmEngine.Models.Gguf;
using LlmEngine.Models.HuggingFace;

namespace LlmEngine.Models;

/// <summary>Opens a model from a path, whatever its format.</summary>
public static class ModelLoader
{
    /// <summary>
    /// Opens <paramref name="path"/>: a <c>.gguf</c> file, or a Hugging Face folder (<c>config.json</c> and safetensors). Throws
    /// <see cref="ModelLoadException"/> naming the path and the problem when it cannot be loaded.
    /// </summary>
    public static LoadedModel Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var fullPath = Path.GetFullPath(path);
        if (Directory.Exists(fullPath))
        {
            var folder = HuggingFaceModel.Open(fullPath);
            return new LoadedModel(folder, folder.Config, ModelFormat.HuggingFace);
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
