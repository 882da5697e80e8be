using BenchmarkDotNet.Attributes;
using LlmEngine.Tokenization;

namespace LlmEngine.Benchmarks.Tokenization;

/// <summary>
/// Encode of a ~2 KB English/Unicode text and decode of 512 ids for the GGUF-built tokenizers of the shared vocabularies.
/// Run: <c>dotnet run -c Release --project benchmarks/LlmEngine.Benchmarks -- --filter '*TokenizerBenchmarks*'</c>
/// (models from <c>LLMENGINE_TEST_DATA</c>, else <c>../shared/models</c> beside the repository).
/// </summary>
[MemoryDiagnoser]
public class TokenizerBenchmarks
{
    private ModelTokenizer _tokenizer = null!;
    private string _text = "";
    private int[] _ids = [];

    /// <summary>The vocabulary (file <c>vocab/ggml-vocab-{name}.gguf</c>).</summary>
    [Params("llama-spm", "gpt-2", "deepseek-llm", "bert-bge")]
    public string Vocabulary { get; set; } = "";

    /// <summary>Loads the tokenizer and prepares the inputs.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _tokenizer = TokenizerFactory.FromGguf(Path.Combine(ModelsFolder(), "vocab", $"ggml-vocab-{Vocabulary}.gguf"));
        _text = SampleText(2048);
        var ids = new List<int>();
        while (ids.Count < 512)
        {
            ids.AddRange(_tokenizer.Encode(_text, addSpecialTokens: false));
        }
        _ids = [.. ids.Take(512)];
    }

    /// <summary>Tokenizes the ~2 KB text.</summary>
    [Benchmark]
    public int[] Encode2KB() => _tokenizer.Encode(_text);

    /// <summary>Decodes 512 ids to a string.</summary>
    [Benchmark]
    public string Decode512() => _tokenizer.Decode(_ids);

    private static string SampleText(int length)
    {
        const string paragraph =
            "Once upon a time, in a quiet village by the sea, there lived a curious girl named Lily. She loved to collect " +
            "shells (especially the spiral ones) and count them: 1, 2, 3... up to 1,337! Her friend Zoë said \"that's " +
            "enough\", but Lily replied: 'We'll need more.' 東京 and Москва were far away; the 🦙 didn't care.\n\n";
        var sb = new System.Text.StringBuilder(length + paragraph.Length);
        while (sb.Length < length)
        {
            sb.Append(paragraph);
        }
        return sb.ToString(0, length);
    }

    private static string ModelsFolder()
    {
        string? fromEnv = Environment.GetEnvironmentVariable("LLMENGINE_TEST_DATA");
        if (!string.IsNullOrWhiteSpace(fromEnv))
        {
            return fromEnv;
        }
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LlmEngine.sln")))
            {
                return Path.Combine(dir.FullName, "..", "shared", "models");
            }
        }
        throw new DirectoryNotFoundException("Set LLMENGINE_TEST_DATA to the shared models folder.");
    }
}
