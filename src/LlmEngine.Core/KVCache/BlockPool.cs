namespace LlmEngine.KVCache;

/// <summary>
/// All KV-cache blocks (vLLM's <c>BlockPool</c>): hands out free blocks, takes them back, and keeps the
/// hash-to-block map of cached full blocks. A freed cached block keeps its hash and stays findable until it is
/// evicted, which happens in LRU order when a free block is needed.
/// </summary>
internal sealed class BlockPool
{
    private readonly KVCacheBlock[] _blocks;
    private readonly FreeKVCacheBlockQueue _freeQueue;
    private readonly Dictionary<BlockHash, KVCacheBlock> _cachedBlocks;

    // Each cached block's token ids, so that a 64-bit hash collision is caught instead of serving wrong K/V.
    private readonly int[] _blockTokens;

    /// <summary>Creates a pool of <paramref name="numBlocks"/> free blocks of <paramref name="blockSize"/> tokens.</summary>
    public BlockPool(int numBlocks, int blockSize, bool enableCaching)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numBlocks, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, 1);
        BlockSize = blockSize;
        EnableCaching = enableCaching;
        _blocks = new KVCacheBlock[numBlocks];
        for (var i = 0; i < numBlocks; i++)
        {
            _blocks[i] = new KVCacheBlock(i);
        }
        _freeQueue = new FreeKVCacheBlockQueue(_blocks);
        if (enableCaching && (long)numBlocks * blockSize > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(numBlocks), numBlocks, "Too many KV-cache tokens to track for prefix caching.");
        }
        _blockTokens = enableCaching ? new int[numBlocks * blockSize] : [];
        // A block holds at most one hash, so the map never grows past the pool: sized once, caching a block allocates nothing.
        _cachedBlocks = new Dictionary<BlockHash, KVCacheBlock>(enableCaching ? numBlocks : 0);
    }

    /// <summary>Tokens per block.</summary>
    public int BlockSize { get; }

    /// <summary>Whether full blocks are cached for reuse.</summary>
    public bool EnableCaching { get; }

    /// <summary>Total number of blocks.</summary>
    public int NumBlocks => _blocks.Length;

    /// <summary>Blocks no request holds (cached ones included: they are evictable).</summary>
    public int NumFreeBlocks => _freeQueue.Count;

    /// <summary>Number of blocks currently findable by hash.</summary>
    public int NumCachedBlocks => _cachedBlocks.Count;

    /// <summary>Fraction of blocks held by requests.</summary>
    public double Usage => 1.0 - (double)_freeQueue.Count / _blocks.Length;

    /// <summary>The free queue (for tests and diagnostics).</summary>
    internal FreeKVCacheBlockQueue FreeQueue => _freeQueue;

    /// <summary>The block with id <paramref name="blockId"/>.</summary>
    public KVCacheBlock this[int blockId] => _blocks[blockId];

    /// <summary>The cached block holding exactly <paramref name="tokenIds"/> after the prefix <paramref name="hash"/> names, if any.</summary>
    public KVCacheBlock? GetCachedBlock(BlockHash hash, ReadOnlySpan<int> tokenIds)
    {
        if (!EnableCaching || !_cachedBlocks.TryGetValue(hash, out var block))
        {
            return null;
        }
        return _blockTokens.AsSpan(block.BlockId * BlockSize, BlockSize).SequenceEqual(tokenIds) ? block : null;
    }

    /// <summary>Takes a reference on a cache-hit block, reviving it from the free queue if no request held it.</summary>
    public void Touch(KVCacheBlock block)
    {
        if (block.RefCount == 0)
        {
            _freeQueue.Remove(block);
        }
        block.RefCount++;
    }

    /// <summary>Takes the least recently freed block for a request, evicting its cached prefix if it had one.</summary>
    /// <exception cref="InvalidOperationException">No block is free.</exception>
    public KVCacheBlock AllocateBlock()
    {
        var block = _freeQueue.PopLeft();
        if (block.Hash is { } hash)
        {
            if (_cachedBlocks.TryGetValue(hash, out var cached) && cached == block)
            {
                _cachedBlocks.Remove(hash);
            }
            block.ResetHash();
        }
        block.RefCount = 1;
        return block;
    }

    /// <summary>Drops one reference; a block no request holds goes to the back of the free queue, still cached.</summary>
    public void Free(KVCacheBlock block)
    {
        if (block.RefCount <= 0)
        {
            throw new InvalidOperationException($"{block} freed more often than allocated.");
        }
        if (--block.RefCount == 0)
        {
            _freeQueue.Append(block);
        }
    }

    /// <summary>
    /// Makes a full, computed block findable by <paramref name="hash"/>. A block that is already cached keeps its hash;
    /// when another block already holds the same prefix (computed concurrently), the first one stays the cached copy.
    /// </summary>
    public void CacheBlock(KVCacheBlock block, BlockHash hash, ReadOnlySpan<int> tokenIds)
    {
        if (!EnableCaching || block.Hash is not null || _cachedBlocks.ContainsKey(hash))
        {
            return;
        }
        if (tokenIds.Length != BlockSize)
        {
            throw new ArgumentException($"A cached block holds {BlockSize} tokens; got {tokenIds.Length}.", nameof(tokenIds));
        }
        block.SetHash(hash);
        _cachedBlocks.Add(hash, block);
        tokenIds.CopyTo(_blockTokens.AsSpan(block.BlockId * BlockSize, BlockSize));
    }

    /// <summary>Forgets every cached prefix; only possible when no request holds a block.</summary>
    public bool ResetPrefixCache()
    {
        if (_freeQueue.Count != _blocks.Length)
        {
            return false;
        }
        _cachedBlocks.Clear();
        foreach (var block in _blocks)
        {
            block.ResetHash();
        }
        return true;
    }
}
