using LlmEngine.Tests.Infrastructure;
using NUnit.Framework;

namespace LlmEngine.Tests.Execution;

/// <summary>
/// The executor's batching and paging invariants: a token's logits do not depend on what else is in the batch, how
/// its prompt was chunked, where its blocks lie in the cache, or how many threads ran.
/// </summary>
[TestFixture("stories260K.gguf")]
[TestFixture("archs/tiny-qwen3.f32.gguf")]
[TestFixture("archs/tiny-phi3.f32.gguf")]
public class BatchingTests(string model)
{
    private const float Tolerance = 1e-5f;

    private static readonly int[] s_promptA = [1, 403, 407, 261, 378];
    private static readonly int[] s_promptB = [1, 317, 269, 368, 302, 382, 276, 337, 299, 322, 265, 298, 295, 418, 302, 426, 342, 394, 261, 370, 352, 266, 268, 388, 318, 264, 285, 265, 259, 276, 411, 269, 352, 303, 267, 298, 316, 312, 426];

    private ExecutorHarness Harness(int blockSize = 16, int threads = 2) =>
        new(TestData.File(model), numBlocks: 32, blockSize: blockSize, threads: threads);

    [Test]
    public void TwoPromptsInOneBatch_GiveTheLogitsOfEachAlone()
    {
        using var h = Harness();
        var aloneA = h.Forward(h.ContiguousBlocks(0, 4), 0, s_promptA);
        var aloneB = h.Forward(h.ContiguousBlocks(4, 4), 0, s_promptB);

        var together = h.ForwardMany([(h.ContiguousBlocks(8, 4), 0, s_promptA), (h.ContiguousBlocks(12, 4), 0, s_promptB)]);

        Assert.That(ExecutorHarness.MaxAbsDiff(together.AsSpan(0, aloneA.Length), aloneA), Is.LessThan(Tolerance));
        Assert.That(ExecutorHarness.MaxAbsDiff(together.AsSpan(aloneA.Length), aloneB), Is.LessThan(Tolerance));
    }

    [Test]
    public void DecodeBatchedWithAnotherPrefill_GivesTheLogitsOfTheDecodeAlone()
    {
        using var h = Harness();
        var tableA = h.ContiguousBlocks(0, 4);
        h.Forward(tableA, 0, s_promptA);
        var decodeAlone = h.Forward(tableA, s_promptA.Length, [432]);

        var tableA2 = h.ContiguousBlocks(4, 4);
        h.Forward(tableA2, 0, s_promptA);
        var mixed = h.ForwardMany([(h.ContiguousBlocks(8, 4), 0, s_promptB), (tableA2, s_promptA.Length, [432])]);

        Assert.That(ExecutorHarness.MaxAbsDiff(mixed.AsSpan(s_promptB.Length * h.Vocabulary), decodeAlone), Is.LessThan(Tolerance));
    }

    [Test]
    public void ChunkedPrefill_GivesTheLogitsOfOnePass()
    {
        using var h = Harness();
        var onePass = h.Forward(h.ContiguousBlocks(0, 4), 0, s_promptB);

        var table = h.ContiguousBlocks(4, 4);
        var chunks = new List<float>();
        foreach (var (start, length) in new[] { (0, 16), (16, 16), (32, 7) })
        {
            chunks.AddRange(h.Forward(table, start, s_promptB.AsSpan(start, length)));
        }

        Assert.That(ExecutorHarness.MaxAbsDiff(chunks.ToArray(), onePass), Is.LessThan(Tolerance));
    }

    [Test]
    public void ShuffledBlockTable_GivesTheLogitsOfAContiguousOne()
    {
        using var h = Harness(blockSize: 4);
        var contiguous = h.Forward(h.ContiguousBlocks(0, 10), 0, s_promptB);

        int[] shuffled = [27, 13, 31, 10, 22, 15, 30, 11, 19, 24];
        var paged = h.Forward(shuffled, 0, s_promptB);

        Assert.That(ExecutorHarness.MaxAbsDiff(paged, contiguous), Is.LessThan(Tolerance));
    }

    [Test]
    public void OneThreadAndThreeThreads_GiveIdenticalLogits()
    {
        using var one = Harness(threads: 1);
        using var three = Harness(threads: 3);

        Assert.That(three.Forward(three.ContiguousBlocks(), 0, s_promptB), Is.EqualTo(one.Forward(one.ContiguousBlocks(), 0, s_promptB)));
    }

    [Test]
    public void LogitsOfSelectedRowsOnly_EqualThoseRowsOfAFullRun()
    {
        using var h = Harness();
        var all = h.Forward(h.ContiguousBlocks(0, 4), 0, s_promptB);
        var batch = h.Batch;
        batch.NumLogits = 2;
        batch.LogitsIndices[0] = s_promptB.Length - 1;
        batch.LogitsIndices[1] = 3;
        var selected = new float[2 * h.Vocabulary];

        h.Executor.Execute(batch, selected);

        var v = h.Vocabulary;
        Assert.That(selected.AsSpan(0, v).ToArray(), Is.EqualTo(all.AsSpan((s_promptB.Length - 1) * v, v).ToArray()));
        Assert.That(selected.AsSpan(v, v).ToArray(), Is.EqualTo(all.AsSpan(3 * v, v).ToArray()));
    }
}
