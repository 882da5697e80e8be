using NUnit.Framework;

namespace LlmEngine.Hosting.Tests.Infrastructure;

/// <summary>
/// Finds the shared test models: <c>LLMENGINE_TEST_DATA</c>, else <c>../shared/models</c> from the repository root.
/// A test whose file is missing is Ignored with the path it looked at, never silently passed.
/// </summary>
public static class TestData
{
    /// <summary>The environment variable that overrides the test-data folder.</summary>
    public const string EnvironmentVariable = "LLMENGINE_TEST_DATA";

    private static readonly Lazy<string> s_root = new(ResolveRoot);

    /// <summary>The resolved test-data folder (it may not exist).</summary>
    public static string Root => s_root.Value;

    /// <summary>The repository root (the folder holding LlmEngine.sln).</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>Full path of a file under the test-data folder; Ignores the calling test when it is absent.</summary>
    public static string File(string relativePath)
    {
        var path = Path.GetFullPath(Path.Combine(Root, relativePath));
        if (!System.IO.File.Exists(path))
        {
            Assert.Ignore($"Test data not found: {path} (set {EnvironmentVariable} to the shared models folder)");
        }
        return path;
    }

    /// <summary>Full path of a folder under the test-data folder; Ignores the calling test when it is absent.</summary>
    public static string Directory(string relativePath)
    {
        var path = Path.GetFullPath(Path.Combine(Root, relativePath));
        if (!System.IO.Directory.Exists(path))
        {
            Assert.Ignore($"Test data not found: {path} (set {EnvironmentVariable} to the shared models folder)");
        }
        return path;
    }

    private static string ResolveRoot()
    {
        var fromEnv = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnv))
        {
            return Path.GetFullPath(fromEnv);
        }
        return Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "models"));
    }

    private static string FindRepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null)
        {
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "LlmEngine.sln")))
            {
                return dir.FullName;
            }
            dir = dir.Parent;
        }
        return System.IO.Directory.GetCurrentDirectory();
    }
}
