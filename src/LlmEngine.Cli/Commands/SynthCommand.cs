using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using LlmEngine.Models;
using LlmEngine.Models.Synthesis;

namespace LlmEngine.Cli.Commands;

/// <summary><c>llmengine synth</c>: writes a random-weight model of a real shape (for benchmarks and tests).</summary>
internal static class SynthCommand
{
    public static Command Create()
    {
        var shapeNames = new List<string>();
        foreach (var spec in SyntheticModelSpec.Catalog)
        {
            shapeNames.Add(spec.Name);
        }
        var shape = new Option<string>("--shape") { Description = "Model shape: " + string.Join(", ", shapeNames), Required = true };
        var type = new Option<string>("--type") { Description = "Weight type: F16, Q8_0, Q4_0 or Q4_K (the Q4_K_M mix)", DefaultValueFactory = _ => "Q8_0" };
        var output = new Option<string?>("--output", "-o") { Description = "Output .gguf path (default: synth/<shape>.<type>.gguf)" };
        var vocabDir = new Option<string?>("--vocab-dir") { Description = "Folder of the vocabulary GGUFs (default: $LLMENGINE_TEST_DATA/vocab or ../shared/models/vocab)" };
        var seed = new Option<int>("--seed") { Description = "Random seed", DefaultValueFactory = _ => 0 };
        var command = new Command("synth", "Write a model of a real shape (SmolLM2-135M, Qwen2.5-0.5B, Llama-3.2-1B) with random weights, for benchmarks.")
        {
            shape, type, output, vocabDir, seed,
        };
        command.SetAction(parse =>
        {
            var name = parse.GetValue(shape)!;
            SyntheticModelSpec? spec = null;
            foreach (var candidate in SyntheticModelSpec.Catalog)
            {
                if (string.Equals(candidate.Name, name, StringComparison.OrdinalIgnoreCase))
                {
                    spec = candidate;
                }
            }
            if (spec is null)
            {
                Console.Error.WriteLine($"error: --shape '{name}' is not one of: {string.Join(", ", shapeNames)}");
                return 2;
            }
            if (!Enum.TryParse<GgmlType>(parse.GetValue(type), ignoreCase: true, out var weightType) || weightType is not (GgmlType.F16 or GgmlType.Q8_0 or GgmlType.Q4_0 or GgmlType.Q4_K))
            {
                Console.Error.WriteLine($"error: --type '{parse.GetValue(type)}' must be F16, Q8_0, Q4_0 or Q4_K");
                return 2;
            }
            var vocabularyFolder = parse.GetValue(vocabDir) ?? DefaultVocabularyFolder();
            var vocabulary = Path.Combine(vocabularyFolder, spec.VocabularyFile);
            if (!File.Exists(vocabulary))
            {
                Console.Error.WriteLine($"error: vocabulary file not found: {vocabulary} (pass --vocab-dir)");
                return 2;
            }
            var path = parse.GetValue(output) ?? Path.Combine("synth", $"{spec.Name}.{weightType}.gguf");
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            var clock = Stopwatch.StartNew();
            using (var bar = new ConsoleProgressBar($"writing {Path.GetFileName(path)}"))
            {
                SyntheticModelWriter.WriteGguf(spec, vocabulary, weightType, path, bar, parse.GetValue(seed));
            }
            Console.Out.WriteLine($"{path}: {new FileInfo(path).Length.ToString("N0", CultureInfo.InvariantCulture)} bytes in {clock.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)} s");
            return 0;
        });
        return command;
    }

    private static string DefaultVocabularyFolder()
    {
        var data = Environment.GetEnvironmentVariable("LLMENGINE_TEST_DATA");
        return string.IsNullOrEmpty(data) ? Path.Combine("..", "shared", "models", "vocab") : Path.Combine(data, "vocab");
    }
}
