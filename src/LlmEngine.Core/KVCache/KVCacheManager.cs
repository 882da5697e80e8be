using LlmEngine.Scheduling;

namespace LlmEngine.KVCache;

/// <summary>
/// The scheduler's view of the KV cache (vLLM's <c>KVCacheManager</c>): finds a request's cached prefix, gives it
/// blocks for the tokens it is about to compute (or says no, so the scheduler preempts), offers computed full
/// blocks to the prefix cache, and takes blocks back.
/// </summary>
internal sealed class KVCacheManager
{
    public KVCacheManager(int numBlocks, int blockSize, bool enablePrefixCaching)
    {
        Pool = new BlockPool(numBlocks, blockSize, enablePrefixCaching);
        BlockSize = blockSize;
    }

    public BlockPool Pool { get; }

    public int BlockSize { get; }

    /// <summary>Prompt tokens looked up in the prefix cache by admitted requests.</summary>
    public long PrefixCacheQueries { get; private set; }

    /// <summary>Prompt tokens found there.</summary>
    public long PrefixCacheHits { get; private set; }

    public int NumFreeBlocks => Pool.NumFreeBlocks;

    public double Usage => Pool.Usage;

    /// <summary>
    /// Collects the cached blocks of the request's longest cached prefix into <paramref name="hits"/> and returns the
    /// number of tokens they hold. The last token is never a hit: it must be computed to produce logits.
    /// </summary>
    public int GetComputedBlocks(Request request, List<KVCacheBlock> hits)
    {
        hits.Clear();
        if (!Pool.EnableCaching || request.SkipPrefixCache)
        {
            return 0;
        }
        var maxHitBlocks = (request.NumTokens - 1) / BlockSize;
        EnsureBlockHashes(request, maxHitBlocks);
        var tokens = request.AllTokenIds;
        for (var i = 0; i < maxHitBlocks; i++)
        {
            var block = Pool.GetCachedBlock(request.BlockHashes[i], tokens.Slice(i * BlockSize, BlockSize));
            if (block is null)
            {
                break;
            }
            hits.Add(block);
        }
        return hits.Count * BlockSize;
    }

    /// <summary>Counts an admitted request's prefix-cache lookup in the hit-rate statistics.</summary>
    public void RecordPrefixCacheLookup(int numQueriedTokens, int numHitTokens)
    {
        PrefixCacheQueries += numQueriedTokens;
        PrefixCacheHits += numHitTokens;
    }

    /// <summary>
    /// Gives the request the blocks it needs to hold <paramref name="numNewComputedTokens"/> prefix-cache hits (the
    /// blocks in <paramref name="newComputedBlocks"/>) plus <paramref name="numNewTokens"/> tokens to compute.
    /// Returns false, changing nothing, when too few blocks are free.
    /// </summary>
    public bool AllocateSlots(Request request, int numNewTokens, List<KVCacheBlock>? newComputedBlocks = null, int numNewComputedTokens = 0)
    {
        var numHitBlocks = newComputedBlocks?.Count ?? 0;
        var totalTokens = request.NumComputedTokens + numNewComputedTokens + numNewTokens;
        var numNewBlocks = Math.Max(0, CeilDiv(totalTokens, BlockSize) - request.Blocks.Count - numHitBlocks);

        // A hit on a block no request holds takes it out of the free queue, so it costs a free block too.
        var numRevived = 0;
        for (var i = 0; i < numHitBlocks; i++)
        {
            if (newComputedBlocks![i].RefCount == 0)
            {
                numRevived++;
            }
        }
        if (numNewBlocks + numRevived > Pool.NumFreeBlocks)
        {
            return false;
        }
        if (request.Blocks.Count == 0)
        {
            request.ReserveBlocks(BlockSize);
        }
        for (var i = 0; i < numHitBlocks; i++)
        {
            var block = newComputedBlocks![i];
            Pool.Touch(block);
            request.AddBlock(block);
        }
        if (numHitBlocks > 0)
        {
            // Hits are the leading blocks and are cached already.
            request.NumCachedBlocks = request.Blocks.Count;
        }
        for (var i = 0; i < numNewBlocks; i++)
        {
            request.AddBlock(Pool.AllocateBlock());
        }
        return true;
    }

    /// <summary>Offers the request's newly computed full blocks to the prefix cache (after a step has written them).</summary>
    public void CacheComputedBlocks(Request request)
    {
        if (!Pool.EnableCaching)
        {
            return;
        }
        var numFull = Math.Min(request.NumComputedTokens / BlockSize, request.Blocks.Count);
        if (numFull <= request.NumCachedBlocks)
        {
            return;
        }
        EnsureBlockHashes(request, numFull);
        var tokens = request.AllTokenIds;
        for (var i = request.NumCachedBlocks; i < numFull; i++)
        {
            Pool.CacheBlock(request.Blocks[i], request.BlockHashes[i], tokens.Slice(i * BlockSize, BlockSize));
        }
        request.NumCachedBlocks = numFull;
    }

    /// <summary>Returns all of the request's blocks, tail first so that a prefix's tail is evicted before its head.</summary>
    public void Free(Request request)
    {
        var blocks = request.Blocks;
        for (var i = blocks.Count - 1; i >= 0; i--)
        {
            Pool.Free(blocks[i]);
        }
        blocks.Clear();
        request.NumCachedBlocks = 0;
    }

    /// <summary>Blocks a sequence of <paramref name="numTokens"/> tokens needs.</summary>
    public int BlocksFor(int numTokens) => CeilDiv(numTokens, BlockSize);

    private void EnsureBlockHashes(Request request, int numFullBlocks)
    {
        var hashes = request.BlockHashes;
        var tokens = request.AllTokenIds;
        for (var i = hashes.Count; i < numFullBlocks; i++)
        {
            var parent = i == 0 ? BlockHash.Root : hashes[i - 1];
            hashes.Add(BlockHash.Compute(parent, tokens.Slice(i * BlockSize, BlockSize), request.CacheSalt));
        }
    }

    private static int CeilDiv(int a, int b) => (a + b - 1) / b;
}
