using LlmEngine.Tests.Execution;
using LlmEngine.Tests.Infrastructure;
using NUnit.Framework;

namespace LlmEngine.Tests.Architectures;

/// <summary>
/// Every line of <c>archs/reference.jsonl</c> (llama, Llama 3.1 rope, qwen2, qwen3, phi3): logits within 1e-4 of
/// llama.cpp at every prompt position, greedy ids equal up to the first near-tie.
/// </summary>
public class ArchitectureReferenceTests
{
    private const float Tolerance = 1e-4f;
    private const float MarginToCompare = 1e-3f;

    private static readonly Lazy<IReadOnlyList<ArchitectureReference>> s_references =
        new(() => ArchitectureReference.ReadAll(TestData.File(ArchitectureReference.File)));

    private static IEnumerable<TestCaseData> Lines()
    {
        var count = ArchitectureReference.CountLines();
        if (count == 0)
        {
            yield return new TestCaseData(0).SetName("{m}_data_missing");
        }
        for (var i = 0; i < count; i++)
        {
            yield return new TestCaseData(i).SetName($"{{m}}_line{i}");
        }
    }

    [TestCaseSource(nameof(Lines))]
    public void GgufMatchesLlamaCpp(int line)
    {
        var reference = s_references.Value[line];
        using var harness = new ExecutorHarness(TestData.File("archs/" + reference.Model), numBlocks: 8, blockSize: 16);
        Check(harness, reference);
    }

    [TestCaseSource(nameof(Lines))]
    public void HuggingFaceFolderMatchesLlamaCpp(int line)
    {
        var reference = s_references.Value[line];
        var folder = TestData.Directory("archs/hf/" + Path.GetFileName(reference.Model).Replace(".f32.gguf", "", StringComparison.Ordinal));
        using var harness = new ExecutorHarness(folder, numBlocks: 8, blockSize: 16);
        Assert.That(harness.Model.Format, Is.EqualTo(LlmEngine.Models.ModelFormat.HuggingFace));
        Check(harness, reference);
    }

    internal static void Check(ExecutorHarness harness, ArchitectureReference reference)
    {
        var vocab = harness.Vocabulary;
        var (logits, generated) = harness.Greedy(reference.PromptIds, reference.GreedyIds.Length);

        var worst = 0f;
        for (var p = 0; p < reference.PromptIds.Length; p++)
        {
            var diff = ExecutorHarness.MaxAbsDiff(logits.AsSpan(p * vocab, vocab), reference.Logits[p]);
            Assert.That(diff, Is.LessThan(Tolerance), $"{reference.Model} '{reference.Prompt}': logits at position {p} differ by {diff}");
            worst = Math.Max(worst, diff);
        }
        TestContext.Out.WriteLine($"{reference.Model} ({reference.PromptIds.Length} prompt tokens): max logit difference {worst:G3}");
        for (var i = 0; i < reference.GreedyIds.Length; i++)
        {
            Assert.That(generated[i], Is.EqualTo(reference.GreedyIds[i]), $"{reference.Model}: greedy token {i}");
            if (reference.GreedyMargins[i] < MarginToCompare)
            {
                break;
            }
        }
    }
}
