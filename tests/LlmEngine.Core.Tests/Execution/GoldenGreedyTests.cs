using System.Text.Json;
using LlmEngine.Tests.Infrastructure;
using NUnit.Framework;

namespace LlmEngine.Tests.Execution;

/// <summary>Greedy generations of real GGUF models must match llama.cpp's token for token.</summary>
public class GoldenGreedyTests
{
    private static IEnumerable<TestCaseData> GoldenLines()
    {
        foreach (var (model, golden) in new[]
        {
            ("stories260K.gguf", "golden/stories260K.greedy.jsonl"),
            ("llama-2-tiny-random.gguf", "golden/llama-2-tiny-random.greedy.jsonl"),
        })
        {
            var path = Path.Combine(TestData.Root, golden);
            if (!File.Exists(path))
            {
                yield return new TestCaseData(model, golden, 0).SetName($"{golden} (missing)");
                continue;
            }
            var lines = File.ReadAllLines(path).Where(l => l.Length > 0).ToArray();
            for (var i = 0; i < lines.Length; i++)
            {
                yield return new TestCaseData(model, golden, i).SetName($"Greedy_{Path.GetFileNameWithoutExtension(model)}_line{i}");
            }
        }
    }

    [TestCaseSource(nameof(GoldenLines))]
    public void GreedyIdsMatchLlamaCpp(string model, string golden, int line)
    {
        var json = File.ReadAllLines(TestData.File(golden)).Where(l => l.Length > 0).ElementAt(line);
        using var doc = JsonDocument.Parse(json);
        var prompt = doc.RootElement.GetProperty("prompt_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var expected = doc.RootElement.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        using var harness = new ExecutorHarness(TestData.File(model), numBlocks: 8);

        var (_, generated) = harness.Greedy(prompt, expected.Length);

        Assert.That(generated, Is.EqualTo(expected));
        Assert.That(PieceDecoder.Decode(harness.Model.Gguf!.Metadata, generated), Is.EqualTo(doc.RootElement.GetProperty("text").GetString()!.TrimStart(' ')));
    }

    [Test]
    public void Stories260K_256TokensFromBos_MatchTheReferenceText()
    {
        var golden = File.ReadAllText(TestData.File("golden/stories260K.greedy-256-from-bos.txt"));
        var split = golden.IndexOf("\nids[:20]=", StringComparison.Ordinal);
        Assert.That(split, Is.GreaterThan(0), "golden file layout");
        var expectedText = golden[..split];
        var expectedFirstIds = golden[(split + "\nids[:20]=".Length)..].Trim().Trim('[', ']').Split(',').Select(s => int.Parse(s.Trim())).ToArray();
        using var harness = new ExecutorHarness(TestData.File("stories260K.gguf"), numBlocks: 20);

        var (_, generated) = harness.Greedy([1], 256);

        Assert.That(generated.Take(20), Is.EqualTo(expectedFirstIds));
        Assert.That(PieceDecoder.Decode(harness.Model.Gguf!.Metadata, generated), Is.EqualTo(expectedText));
    }
}
