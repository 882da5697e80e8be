using LlmEngine.KVCache;
using NUnit.Framework;

namespace LlmEngine.Tests.KVCache;

public class BlockPoolTests
{
    private static int[] Tokens(int start, int count = 4) => Enumerable.Range(start, count).ToArray();

    [Test]
    public void BlockHashChainsTheParentTheTokensAndTheExtraKey()
    {
        var a = BlockHash.Compute(BlockHash.Root, Tokens(1));
        Assert.That(BlockHash.Compute(BlockHash.Root, Tokens(1)), Is.EqualTo(a));
        Assert.That(BlockHash.Compute(BlockHash.Root, Tokens(2)), Is.Not.EqualTo(a));
        Assert.That(BlockHash.Compute(BlockHash.Root, Tokens(1), extraKey: 7), Is.Not.EqualTo(a));

        // The same tokens after different prefixes are different blocks.
        var b1 = BlockHash.Compute(a, Tokens(10));
        var b2 = BlockHash.Compute(BlockHash.Compute(BlockHash.Root, Tokens(5)), Tokens(10));
        Assert.That(b1, Is.Not.EqualTo(b2));
        Assert.That(BlockHash.Compute(a, [4, 3, 2, 1]), Is.Not.EqualTo(BlockHash.Compute(a, [1, 2, 3, 4])));
    }

    [Test]
    public void RefCountsTrackHoldersAndAFreedCachedBlockCanBeRevived()
    {
        var pool = new BlockPool(4, 4, enableCaching: true);
        var block = pool.AllocateBlock();
        var hash = BlockHash.Compute(BlockHash.Root, Tokens(1));
        pool.CacheBlock(block, hash, Tokens(1));
        Assert.That(block.RefCount, Is.EqualTo(1));
        Assert.That(pool.NumFreeBlocks, Is.EqualTo(3));

        pool.Touch(block);
        Assert.That(block.RefCount, Is.EqualTo(2));
        pool.Free(block);
        pool.Free(block);
        Assert.That(block.RefCount, Is.Zero);
        Assert.That(pool.NumFreeBlocks, Is.EqualTo(4));
        Assert.Throws<InvalidOperationException>(() => pool.Free(block));

        // Still findable after being freed; a hit takes it back out of the free queue.
        Assert.That(pool.GetCachedBlock(hash, Tokens(1)), Is.SameAs(block));
        pool.Touch(block);
        Assert.That(block.RefCount, Is.EqualTo(1));
        Assert.That(pool.NumFreeBlocks, Is.EqualTo(3));
        Assert.That(pool.FreeQueue.GetBlockIds(), Does.Not.Contain(block.BlockId));
    }

    [Test]
    public void FreedBlocksAreEvictedInLeastRecentlyUsedOrder()
    {
        var pool = new BlockPool(4, 4, enableCaching: true);
        var blocks = Enumerable.Range(0, 4).Select(_ => pool.AllocateBlock()).ToArray();
        var hashes = new BlockHash[4];
        for (var i = 0; i < 4; i++)
        {
            hashes[i] = BlockHash.Compute(BlockHash.Root, Tokens(i * 10));
            pool.CacheBlock(blocks[i], hashes[i], Tokens(i * 10));
        }
        pool.Free(blocks[2]);
        pool.Free(blocks[0]);
        pool.Free(blocks[3]);
        pool.Free(blocks[1]);
        Assert.That(pool.FreeQueue.GetBlockIds(), Is.EqualTo(new[] { 2, 0, 3, 1 }));

        // The least recently freed goes first and loses its cache entry; the others stay findable.
        var reused = pool.AllocateBlock();
        Assert.That(reused.BlockId, Is.EqualTo(2));
        Assert.That(reused.Hash, Is.Null);
        Assert.That(pool.GetCachedBlock(hashes[2], Tokens(20)), Is.Null);
        Assert.That(pool.GetCachedBlock(hashes[0], Tokens(0)), Is.SameAs(blocks[0]));
        Assert.That(pool.AllocateBlock().BlockId, Is.EqualTo(0));
        Assert.That(pool.NumCachedBlocks, Is.EqualTo(2));
    }

    [Test]
    public void AHashCollisionWithDifferentTokensIsNotAHit()
    {
        var pool = new BlockPool(2, 4, enableCaching: true);
        var block = pool.AllocateBlock();
        var hash = BlockHash.Compute(BlockHash.Root, Tokens(1));
        pool.CacheBlock(block, hash, Tokens(1));
        Assert.That(pool.GetCachedBlock(hash, Tokens(2)), Is.Null);
    }

    [Test]
    public void TheHashIsSetOnceAndTheFirstCopyOfAPrefixStaysCached()
    {
        var pool = new BlockPool(3, 4, enableCaching: true);
        var first = pool.AllocateBlock();
        var second = pool.AllocateBlock();
        var hash = BlockHash.Compute(BlockHash.Root, Tokens(1));
        pool.CacheBlock(first, hash, Tokens(1));
        pool.CacheBlock(second, hash, Tokens(1));
        Assert.That(second.Hash, Is.Null);
        Assert.That(pool.GetCachedBlock(hash, Tokens(1)), Is.SameAs(first));
        Assert.Throws<InvalidOperationException>(() => first.SetHash(hash));
    }

    [Test]
    public void WithoutCachingNothingIsFindable()
    {
        var pool = new BlockPool(2, 4, enableCaching: false);
        var block = pool.AllocateBlock();
        var hash = BlockHash.Compute(BlockHash.Root, Tokens(1));
        pool.CacheBlock(block, hash, Tokens(1));
        Assert.That(block.Hash, Is.Null);
        Assert.That(pool.GetCachedBlock(hash, Tokens(1)), Is.Null);
    }
}
