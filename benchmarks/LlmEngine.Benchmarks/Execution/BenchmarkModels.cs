namespace LlmEngine.Benchmarks.Execution;

/// <summary>Finds the shared test models: <c>LLMENGINE_TEST_DATA</c>, else <c>../shared/models</c> beside the repository.</summary>
internal static class BenchmarkModels
{
    public static string File(string relativePath)
    {
        var root = Environment.GetEnvironmentVariable("LLMENGINE_TEST_DATA");
        if (string.IsNullOrWhiteSpace(root))
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !System.IO.File.Exists(Path.Combine(dir.FullName, "LlmEngine.sln")))
            {
                dir = dir.Parent;
            }
            root = Path.Combine(dir?.FullName ?? Directory.GetCurrentDirectory(), "..", "shared", "models");
        }
        var path = Path.GetFullPath(Path.Combine(root, relativePath));
        return System.IO.File.Exists(path)
            ? path
            : throw new FileNotFoundException($"Benchmark model not found: {path} (set LLMENGINE_TEST_DATA to the shared models folder)");
    }
}
