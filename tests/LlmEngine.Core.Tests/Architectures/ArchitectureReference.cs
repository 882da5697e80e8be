using System.Text.Json;
using LlmEngine.Tests.Infrastructure;

namespace LlmEngine.Tests.Architectures;

/// <summary>One line of <c>archs/reference.jsonl</c>: llama.cpp's logits at every prompt position and its greedy ids.</summary>
internal sealed record ArchitectureReference(string Model, string Prompt, int[] PromptIds, float[][] Logits, int[] GreedyIds, float[] GreedyMargins)
{
    public const string File = "archs/reference.jsonl";

    public static IReadOnlyList<ArchitectureReference> ReadAll(string path)
    {
        var result = new List<ArchitectureReference>();
        foreach (var line in System.IO.File.ReadLines(path))
        {
            if (line.Length == 0)
            {
                continue;
            }
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            result.Add(new ArchitectureReference(
                root.GetProperty("model").GetString()!,
                root.GetProperty("prompt").GetString()!,
                Ints(root.GetProperty("prompt_ids")),
                root.GetProperty("logits").EnumerateArray().Select(Floats).ToArray(),
                Ints(root.GetProperty("greedy_ids")),
                Floats(root.GetProperty("greedy_margins"))));
        }
        return result;
    }

    /// <summary>How many lines the file has, for test-case generation (0 when the data is absent).</summary>
    public static int CountLines()
    {
        var path = Path.Combine(TestData.Root, File);
        return System.IO.File.Exists(path) ? System.IO.File.ReadLines(path).Count(l => l.Length > 0) : 0;
    }

    private static int[] Ints(JsonElement e) => e.EnumerateArray().Select(x => x.GetInt32()).ToArray();

    private static float[] Floats(JsonElement e) => e.EnumerateArray().Select(x => x.GetSingle()).ToArray();
}
