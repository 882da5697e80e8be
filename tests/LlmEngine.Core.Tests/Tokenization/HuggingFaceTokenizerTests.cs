using System.Text.Json;
using System.Text.Json.Nodes;
using LlmEngine.Models;
using LlmEngine.Tests.Infrastructure;
using LlmEngine.Tokenization;
using NUnit.Framework;

namespace LlmEngine.Tests.Tokenization;

/// <summary><c>tokenizer.json</c> tokenizers agree with their GGUF twins and with llama.cpp's reference ids.</summary>
[TestFixture]
public class HuggingFaceTokenizerTests
{
    private static readonly string[] s_models = ["tiny-llama", "tiny-llama3-rope", "tiny-phi3", "tiny-qwen2", "tiny-qwen3"];

    /// <summary>The Hugging Face folders under archs/hf.</summary>
    public static IEnumerable<string> Models => s_models;

    [TestCaseSource(nameof(Models))]
    public void MatchesGgufTwinOnReferencePrompts(string name)
    {
        string folder = TestData.Directory($"archs/hf/{name}");
        var hf = TokenizerFactory.FromHuggingFace(Path.Combine(folder, "tokenizer.json"), Path.Combine(folder, "tokenizer_config.json"));
        var gguf = TokenizerFactory.FromGguf(TestData.File($"archs/{name}.f32.gguf"));
        var prompts = ReferencePrompts($"{name}.f32.gguf");
        prompts.AddRange(GoldenPromptTests.ReadPrompts(TestData.File("golden/stories260K.greedy.jsonl")));
        Assert.That(prompts, Is.Not.Empty);
        Assert.Multiple(() =>
        {
            Assert.That(hf.BosTokenId, Is.EqualTo(gguf.BosTokenId));
            Assert.That(hf.EosTokenId, Is.EqualTo(gguf.EosTokenId));
            Assert.That(hf.VocabularySize, Is.EqualTo(gguf.VocabularySize));
            foreach (var (prompt, ids) in prompts)
            {
                Assert.That(hf.Encode(prompt), Is.EqualTo(ids), $"HF {VocabTestCases.Escape(prompt)}");
                Assert.That(gguf.Encode(prompt), Is.EqualTo(ids), $"GGUF {VocabTestCases.Escape(prompt)}");
                Assert.That(hf.Decode(ids), Is.EqualTo(gguf.Decode(ids)));
                Assert.That(hf.Decode(ids, skipSpecialTokens: true), Is.EqualTo(prompt));
            }
        });
    }

    [Test]
    public void ByteLevelTokenizerJsonMatchesGpt2ReferenceCases()
    {
        string dir = Directory.CreateTempSubdirectory("llmengine-tok-").FullName;
        try
        {
            string json = Path.Combine(dir, "tokenizer.json");
            File.WriteAllText(json, Gpt2TokenizerJson(VocabTestCases.GgufPath("gpt-2")));
            var tokenizer = TokenizerFactory.FromHuggingFace(json, null);
            var (passed, total, report) = VocabTestCases.Run(tokenizer, VocabTestCases.Read("gpt-2"));
            Assert.That(passed, Is.EqualTo(total), $"gpt-2 via tokenizer.json: {passed}/{total} cases pass\n{report}");
            Assert.That(tokenizer.Decode(tokenizer.Encode("Hello, y'all! 🦙")), Is.EqualTo("Hello, y'all! 🦙"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void UnsupportedModelTypeNamesFileAndType()
    {
        string dir = Directory.CreateTempSubdirectory("llmengine-tok-").FullName;
        try
        {
            string json = Path.Combine(dir, "tokenizer.json");
            File.WriteAllText(json, """{"model": {"type": "Unigram", "vocab": []}}""");
            var e = Assert.Throws<ModelLoadException>(() => TokenizerFactory.FromHuggingFace(json, null));
            Assert.That(e!.Message, Does.Contain(json).And.Contain("Unigram"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static List<(string, int[])> ReferencePrompts(string model)
    {
        var result = new List<(string, int[])>();
        foreach (string line in File.ReadLines(TestData.File("archs/reference.jsonl")))
        {
            // Lines carry full logits; only the small fields are needed.
            using var doc = JsonDocument.Parse(line);
            if (doc.RootElement.GetProperty("model").GetString() == model)
            {
                result.Add((doc.RootElement.GetProperty("prompt").GetString()!,
                    doc.RootElement.GetProperty("prompt_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray()));
            }
        }
        return result;
    }

    // GPT-2's tokenizer.json as Hugging Face writes it, rebuilt from the vocab-only GGUF (same tokens and merges).
    private static string Gpt2TokenizerJson(string ggufPath)
    {
        using var file = LlmEngine.Models.Gguf.GgufFile.Open(ggufPath);
        var metadata = file.Metadata;
        string[] tokens = metadata.Tokens!;
        int[] types = metadata.TokenTypes!;
        var vocab = new JsonObject();
        var added = new JsonArray();
        for (int i = 0; i < tokens.Length; i++)
        {
            vocab[tokens[i]] = i;
            if (types[i] == 3)
            {
                added.Add(new JsonObject { ["id"] = i, ["content"] = tokens[i], ["special"] = true });
            }
        }
        var merges = new JsonArray(metadata.Merges!.Select(m => (JsonNode?)JsonValue.Create(m)).ToArray());
        var root = new JsonObject
        {
            ["added_tokens"] = added,
            ["normalizer"] = null,
            ["pre_tokenizer"] = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = true, ["use_regex"] = true },
            ["post_processor"] = new JsonObject { ["type"] = "ByteLevel", ["trim_offsets"] = true },
            ["decoder"] = new JsonObject { ["type"] = "ByteLevel" },
            ["model"] = new JsonObject { ["type"] = "BPE", ["vocab"] = vocab, ["merges"] = merges },
        };
        return root.ToJsonString();
    }
}
