using System.Reflection;

namespace LlmEngine.Cli.DemoModel;

/// <summary>
/// The built-in demo model (stories260K, MIT, embedded with its licence), used when no model is given. It is written
/// once to a cache folder because model files are memory-mapped.
/// </summary>
internal static class BuiltInModel
{
    public const string Name = "stories260K";
    private const string ModelResource = "LlmEngine.Cli.DemoModel.stories260K.gguf";
    private const string LicenseResource = "LlmEngine.Cli.DemoModel.LICENSE-stories260K.txt";

    /// <summary>The path of the extracted demo model, extracting it when missing or different.</summary>
    public static string GetPath()
    {
        var assembly = typeof(BuiltInModel).Assembly;
        using var stream = assembly.GetManifestResourceStream(ModelResource)
            ?? throw new InvalidOperationException($"The built-in model resource '{ModelResource}' is missing from the llmengine assembly.");
        var cacheRoot = Environment.GetEnvironmentVariable("LLMENGINE_CACHE");
        if (string.IsNullOrEmpty(cacheRoot))
        {
            var baseDir = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData);
            cacheRoot = Path.Combine(string.IsNullOrEmpty(baseDir) ? Path.GetTempPath() : baseDir, "llmengine");
        }
        var version = assembly.GetName().Version?.ToString() ?? "0";
        var dir = Path.Combine(cacheRoot, "demo-" + version);
        var path = Path.Combine(dir, Name + ".gguf");
        if (File.Exists(path) && new FileInfo(path).Length == stream.Length)
        {
            return path;
        }
        Directory.CreateDirectory(dir);
        var temp = path + "." + Environment.ProcessId + ".tmp";
        using (var file = File.Create(temp))
        {
            stream.CopyTo(file);
        }
        File.Move(temp, path, overwrite: true);
        File.WriteAllText(Path.Combine(dir, "LICENSE-stories260K.txt"), GetLicense());
        return path;
    }

    /// <summary>The demo model's licence text.</summary>
    public static string GetLicense()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(LicenseResource)
            ?? throw new InvalidOperationException($"The licence resource '{LicenseResource}' is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
