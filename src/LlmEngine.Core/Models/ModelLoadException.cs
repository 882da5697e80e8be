namespace LlmEngine.Models;

/// <summary>
/// Thrown when a model file or folder cannot be loaded: corrupt or truncated data, an unsupported version or tensor
/// type, an unknown architecture, a missing tensor or a wrong shape. The message names the file and the problem.
/// </summary>
public sealed class ModelLoadException : Exception
{
    /// <summary>Creates the exception for <paramref name="path"/> with a message describing the problem.</summary>
    public ModelLoadException(string path, string problem, Exception? inner = null)
        : base($"{path}: {problem}", inner)
    {
        FilePath = path;
        Problem = problem;
    }

    /// <summary>The file or folder that failed to load.</summary>
    public string FilePath { get; }

    /// <summary>What is wrong, without the path.</summary>
    public string Problem { get; }
}
