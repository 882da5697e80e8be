using LlmEngine.Execution;
using LlmEngine.Execution.Cpu;
using LlmEngine.Models;
using LlmEngine.Tests.Infrastructure;
using NUnit.Framework;

namespace LlmEngine.Tests.Execution;

public class CpuModelExecutorTests
{
    [Test]
    public void Options_SizeTheCacheAndReportThemselves()
    {
        using var model = ModelLoader.Load(TestData.File("stories260K.gguf"));
        using var executor = new CpuModelExecutor(model, new CpuModelExecutorOptions { NumBlocks = 10, BlockSize = 32, ThreadCount = 2, MaxBatchTokens = 64 });

        Assert.That(executor.VocabularySize, Is.EqualTo(512));
        Assert.That(executor.NumBlocks, Is.EqualTo(10));
        Assert.That(executor.BlockSize, Is.EqualTo(32));
        Assert.That(executor.ThreadCount, Is.EqualTo(2));
        Assert.That(executor.MaxModelLength, Is.EqualTo(2048));
        // 5 layers × (K + V) × 320 slots × (4 KV heads × 8) floats.
        Assert.That(executor.KVCacheBytes, Is.EqualTo(5L * 2 * 320 * 32 * sizeof(float)));
    }

    [Test]
    public void DefaultBlockCount_FollowsTheMemoryBudget()
    {
        using var model = ModelLoader.Load(TestData.File("stories260K.gguf"));
        var blockBytes = 5L * 2 * 16 * 32 * sizeof(float);
        using var executor = new CpuModelExecutor(model, new CpuModelExecutorOptions { KVCacheMemoryBytes = 7 * blockBytes + 1, ThreadCount = 1 });

        Assert.That(executor.NumBlocks, Is.EqualTo(7));
    }

    [Test]
    public void BlockIdOutsideTheCache_IsRejectedWithAMessage()
    {
        using var h = new ExecutorHarness(TestData.File("stories260K.gguf"), numBlocks: 4);

        var e = Assert.Throws<ArgumentException>(() => h.Forward([0, 9], 0, Enumerable.Repeat(1, 20).ToArray()));

        Assert.That(e!.Message, Does.Contain("block id 9"));
    }

    [Test]
    public void MoreTokensThanMaxBatchTokens_IsRejected()
    {
        using var h = new ExecutorHarness(TestData.File("stories260K.gguf"), numBlocks: 16, maxBatchTokens: 8);
        var batch = new ForwardBatch(16, 1) { NumTokens = 9, NumSequences = 1 };
        batch.QueryStart[1] = 9;
        batch.ContextLengths[0] = 9;
        batch.BlockTables[0] = new[] { 0 };

        var e = Assert.Throws<ArgumentException>(() => h.Executor.Execute(batch, new float[512]));

        Assert.That(e!.Message, Does.Contain("MaxBatchTokens"));
    }

    [Test]
    public void TooSmallLogitsBuffer_IsRejected()
    {
        using var h = new ExecutorHarness(TestData.File("stories260K.gguf"), numBlocks: 4);
        h.Forward(h.ContiguousBlocks(), 0, [1, 2]);

        Assert.Throws<ArgumentException>(() => h.Executor.Execute(h.Batch, new float[511]));
    }
}
