using System.Text.Json;
using LlmEngine.Tests.Infrastructure;
using LlmEngine.Tokenization;
using NUnit.Framework;

namespace LlmEngine.Tests.Tokenization;

/// <summary>Prompts of the shared goldens tokenize (with BOS) exactly as llama.cpp did when it produced them.</summary>
[TestFixture]
public class GoldenPromptTests
{
    [Test]
    public void Stories260KOnceUponATime()
    {
        var tokenizer = TokenizerFactory.FromGguf(TestData.File("stories260K.gguf"));
        Assert.That(tokenizer.Encode("Once upon a time"), Is.EqualTo(new[] { 1, 403, 407, 261, 378 }));
        Assert.That(tokenizer.Decode([1, 403, 407, 261, 378], skipSpecialTokens: true), Is.EqualTo("Once upon a time"));
    }

    [TestCase("stories260K.gguf", "golden/stories260K.greedy.jsonl")]
    [TestCase("llama-2-tiny-random.gguf", "golden/llama-2-tiny-random.greedy.jsonl")]
    public void GoldenPromptsTokenizeToTheirIds(string model, string golden)
    {
        var tokenizer = TokenizerFactory.FromGguf(TestData.File(model));
        var prompts = ReadPrompts(TestData.File(golden));
        Assert.That(prompts, Is.Not.Empty);
        foreach (var (prompt, ids) in prompts)
        {
            Assert.That(tokenizer.Encode(prompt), Is.EqualTo(ids), $"prompt {VocabTestCases.Escape(prompt)}");
        }
    }

    [Test]
    public void GoldenContinuationsDecodeToTheirText()
    {
        var tokenizer = TokenizerFactory.FromGguf(TestData.File("stories260K.gguf"));
        foreach (string line in File.ReadLines(TestData.File("golden/stories260K.greedy.jsonl")))
        {
            using var doc = JsonDocument.Parse(line);
            int[] ids = doc.RootElement.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            string text = doc.RootElement.GetProperty("text").GetString()!;
            // llama.cpp detokenized the continuation on its own, removing the leading space of its first piece, as Decode does.
            Assert.That(tokenizer.Decode(ids), Is.EqualTo(text));
        }
    }

    /// <summary>(prompt, prompt_ids) of each line of a golden JSONL file.</summary>
    internal static List<(string Prompt, int[] Ids)> ReadPrompts(string path)
    {
        var result = new List<(string, int[])>();
        foreach (string line in File.ReadLines(path))
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            using var doc = JsonDocument.Parse(line);
            result.Add((doc.RootElement.GetProperty("prompt").GetString()!,
                doc.RootElement.GetProperty("prompt_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray()));
        }
        return result;
    }
}
