using LlmEngine.KVCache;
using LlmEngine.Scheduling;
using NUnit.Framework;

namespace LlmEngine.Tests.KVCache;

public class KVCacheManagerTests
{
    private const int BlockSize = 16;
    private long _arrival;

    private Request NewRequest(int[] prompt, string? id = null) =>
        new(id ?? $"r{_arrival}", prompt, SamplingParameters.Greedy, maxTokens: 16, arrivalOrder: _arrival++);

    private static int[] Prompt(int length, int salt = 0) => Enumerable.Range(0, length).Select(i => 1 + (i * 31 + salt) % 250).ToArray();

    /// <summary>Admits and "computes" a request's whole prompt, as one scheduler step would.</summary>
    private static void Compute(KVCacheManager manager, Request request, List<KVCacheBlock> hits)
    {
        var numComputed = manager.GetComputedBlocks(request, hits);
        Assert.That(manager.AllocateSlots(request, request.NumTokens - numComputed, hits, numComputed), Is.True);
        request.NumComputedTokens = request.NumTokens;
        manager.CacheComputedBlocks(request);
    }

    [Test]
    public void ASharedPrefixIsServedFromTheCacheAndItsBlocksAreShared()
    {
        var manager = new KVCacheManager(32, BlockSize, enablePrefixCaching: true);
        var hits = new List<KVCacheBlock>();
        var prefix = Prompt(64);
        var first = NewRequest([.. prefix, 7, 8, 9]);
        Compute(manager, first, hits);
        Assert.That(manager.Pool.NumCachedBlocks, Is.EqualTo(4));

        var second = NewRequest([.. prefix, 10, 11]);
        Assert.That(manager.GetComputedBlocks(second, hits), Is.EqualTo(64));
        Assert.That(manager.AllocateSlots(second, 2, hits, 64), Is.True);
        for (var i = 0; i < 4; i++)
        {
            Assert.That(second.Blocks[i], Is.SameAs(first.Blocks[i]));
            Assert.That(first.Blocks[i].RefCount, Is.EqualTo(2));
        }
        Assert.That(second.Blocks[4], Is.Not.SameAs(first.Blocks[4]));

        manager.Free(first);
        manager.Free(second);
        Assert.That(manager.NumFreeBlocks, Is.EqualTo(32));
    }

    [Test]
    public void AHitNeverCoversTheLastPromptToken()
    {
        var manager = new KVCacheManager(16, BlockSize, enablePrefixCaching: true);
        var hits = new List<KVCacheBlock>();
        var prompt = Prompt(32);
        var first = NewRequest(prompt);
        Compute(manager, first, hits);
        Assert.That(manager.Pool.NumCachedBlocks, Is.EqualTo(2));

        // Both blocks are cached, but the last token must be computed for logits: only the first block is a hit.
        var second = NewRequest(prompt);
        Assert.That(manager.GetComputedBlocks(second, hits), Is.EqualTo(16));
        var third = NewRequest(prompt[..17]);
        Assert.That(manager.GetComputedBlocks(third, hits), Is.EqualTo(16));
        var fourth = NewRequest(prompt[..16]);
        Assert.That(manager.GetComputedBlocks(fourth, hits), Is.Zero);
    }

    [Test]
    public void DifferentSaltsOrPrefixesDoNotHit()
    {
        var manager = new KVCacheManager(16, BlockSize, enablePrefixCaching: true);
        var hits = new List<KVCacheBlock>();
        Compute(manager, NewRequest(Prompt(40)), hits);
        Assert.That(manager.GetComputedBlocks(NewRequest(Prompt(40, salt: 1)), hits), Is.Zero);
        var salted = new Request("salted", Prompt(40), SamplingParameters.Greedy, 16, _arrival++) { CacheSalt = 99 };
        Assert.That(manager.GetComputedBlocks(salted, hits), Is.Zero);
        var skipping = new Request("skip", Prompt(40), SamplingParameters.Greedy, 16, _arrival++) { SkipPrefixCache = true };
        Assert.That(manager.GetComputedBlocks(skipping, hits), Is.Zero);
    }

    [Test]
    public void AllocateSlotsFailsWithoutChangingAnythingWhenBlocksRunOut()
    {
        var manager = new KVCacheManager(4, BlockSize, enablePrefixCaching: true);
        var request = NewRequest(Prompt(40));
        Assert.That(manager.AllocateSlots(request, 40), Is.True);
        Assert.That(request.Blocks, Has.Count.EqualTo(3));
        var other = NewRequest(Prompt(40, salt: 3));
        Assert.That(manager.AllocateSlots(other, 40), Is.False);
        Assert.That(other.Blocks, Is.Empty);
        Assert.That(manager.NumFreeBlocks, Is.EqualTo(1));

        // Decoding inside the last block needs nothing new; crossing into the next block needs one.
        request.NumComputedTokens = 40;
        Assert.That(manager.AllocateSlots(request, 8), Is.True);
        Assert.That(request.Blocks, Has.Count.EqualTo(3));
        Assert.That(manager.AllocateSlots(request, 9), Is.True);
        Assert.That(request.Blocks, Has.Count.EqualTo(4));
        Assert.That(request.BlockTable.ToArray(), Is.EqualTo(request.Blocks.Select(b => b.BlockId).ToArray()));
    }

    [Test]
    public void ARevivedFreeBlockCostsAFreeBlock()
    {
        var manager = new KVCacheManager(3, BlockSize, enablePrefixCaching: true);
        var hits = new List<KVCacheBlock>();
        var prompt = Prompt(33);
        var first = NewRequest(prompt);
        Compute(manager, first, hits);
        manager.Free(first);
        Assert.That(manager.NumFreeBlocks, Is.EqualTo(3));

        // 2 cached blocks revived from the free queue + 1 new block = all 3 free blocks.
        var second = NewRequest(prompt);
        Assert.That(manager.GetComputedBlocks(second, hits), Is.EqualTo(32));
        Assert.That(manager.AllocateSlots(second, 1, hits, 32), Is.True);
        Assert.That(manager.NumFreeBlocks, Is.Zero);
        manager.Free(second);

        // A request holding one block leaves only 2 free: the same admission must now fail.
        var blocker = NewRequest(Prompt(5, salt: 9));
        Assert.That(manager.AllocateSlots(blocker, 5), Is.True);
        var third = NewRequest(prompt);
        var hitTokens = manager.GetComputedBlocks(third, hits);
        Assert.That(manager.AllocateSlots(third, third.NumTokens - hitTokens, hits, hitTokens), Is.False);
    }

    [Test]
    public void FreeReturnsBlocksTailFirstSoThePrefixHeadIsEvictedLast()
    {
        var manager = new KVCacheManager(3, BlockSize, enablePrefixCaching: true);
        var hits = new List<KVCacheBlock>();
        var request = NewRequest(Prompt(48));
        Compute(manager, request, hits);
        var ids = request.Blocks.Select(b => b.BlockId).ToArray();
        manager.Free(request);
        Assert.That(manager.Pool.FreeQueue.GetBlockIds(), Is.EqualTo(ids.Reverse().ToArray()));
    }
}
