using System.Text;
using LlmEngine.Tests.Infrastructure;
using LlmEngine.Tokenization;

namespace LlmEngine.Tests.Tokenization;

/// <summary>
/// llama.cpp's tokenizer test cases for a vocab-only GGUF: the <c>.inp</c> file holds inputs separated by
/// <c>\n__ggml_vocab_test__\n</c> (each input is followed by that separator), the <c>.out</c> file one line of ids per input.
/// </summary>
internal static class VocabTestCases
{
    private const string Separator = "\n__ggml_vocab_test__\n";

    /// <summary>The vocabularies with test cases in the shared models folder.</summary>
    public static readonly string[] Vocabularies = ["llama-spm", "phi-3", "gpt-2", "deepseek-llm", "bert-bge"];

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, ModelTokenizer> s_tokenizers = new();

    /// <summary>Path of <c>vocab/ggml-vocab-{name}.gguf</c> (Ignores the test when absent).</summary>
    public static string GgufPath(string name) => TestData.File($"vocab/ggml-vocab-{name}.gguf");

    /// <summary>The tokenizer of a shared vocabulary, loaded once for all tests (tokenizers are immutable).</summary>
    public static ModelTokenizer Tokenizer(string name)
    {
        string path = GgufPath(name);
        return s_tokenizers.GetOrAdd(path, static p => TokenizerFactory.FromGguf(p));
    }

    /// <summary>Reads the (input, expected ids) pairs exactly as llama.cpp's test-tokenizer-0 splits them.</summary>
    public static List<(string Input, int[] Expected)> Read(string name)
    {
        string inp = File.ReadAllText(TestData.File($"vocab/ggml-vocab-{name}.gguf.inp"), Encoding.UTF8);
        string[] outLines = File.ReadAllLines(TestData.File($"vocab/ggml-vocab-{name}.gguf.out"), Encoding.UTF8);
        var inputs = new List<string>();
        int pos = 0;
        while (pos < inp.Length)
        {
            int next = inp.IndexOf(Separator, pos, StringComparison.Ordinal);
            if (next < 0)
            {
                inputs.Add(inp[pos..]);
                break;
            }
            inputs.Add(inp[pos..next]);
            pos = next + Separator.Length;
        }
        if (inputs.Count != outLines.Length)
        {
            throw new InvalidDataException($"{name}: {inputs.Count} inputs but {outLines.Length} output lines");
        }
        var cases = new List<(string, int[])>(inputs.Count);
        for (int i = 0; i < inputs.Count; i++)
        {
            int[] ids = outLines[i].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray();
            cases.Add((inputs[i], ids));
        }
        return cases;
    }

    /// <summary>Encodes every case and returns a report of the failures (empty when all pass).</summary>
    public static (int Passed, int Total, string Report) Run(ITokenizer tokenizer, List<(string Input, int[] Expected)> cases)
    {
        var report = new StringBuilder();
        int passed = 0;
        foreach (var (input, expected) in cases)
        {
            int[] actual = tokenizer.Encode(input, addSpecialTokens: false, parseSpecialTokens: false);
            if (actual.AsSpan().SequenceEqual(expected))
            {
                passed++;
                continue;
            }
            report.AppendLine($"  input {Escape(input)}");
            report.AppendLine($"    expected [{string.Join(' ', expected)}]");
            report.AppendLine($"    actual   [{string.Join(' ', actual)}]");
        }
        return (passed, cases.Count, report.ToString());
    }

    /// <summary>The input with control characters visible, shortened.</summary>
    public static string Escape(string s)
    {
        string e = s.Replace("\n", "\\n").Replace("\t", "\\t").Replace("\r", "\\r");
        return e.Length > 80 ? "\"" + e[..80] + "...\"" : "\"" + e + "\"";
    }
}
