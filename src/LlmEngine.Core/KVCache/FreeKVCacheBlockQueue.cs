namespace LlmEngine.KVCache;

/// <summary>
/// The free blocks in eviction order (vLLM's <c>FreeKVCacheBlockQueue</c>): an intrusive doubly linked list through
/// the blocks themselves, so a prefix-cache hit can take a free block out of the middle in O(1) and nothing is
/// allocated. Blocks are taken from the front (least recently freed) and returned to the back.
/// </summary>
internal sealed class FreeKVCacheBlockQueue
{
    private readonly KVCacheBlock _head = new(-1);
    private readonly KVCacheBlock _tail = new(-1);

    /// <summary>Creates the queue holding <paramref name="blocks"/> in order.</summary>
    public FreeKVCacheBlockQueue(IReadOnlyList<KVCacheBlock> blocks)
    {
        _head.NextFree = _tail;
        _tail.PrevFree = _head;
        for (var i = 0; i < blocks.Count; i++)
        {
            Append(blocks[i]);
        }
    }

    /// <summary>Number of free blocks.</summary>
    public int Count { get; private set; }

    /// <summary>Removes and returns the block at the front (the next to evict).</summary>
    /// <exception cref="InvalidOperationException">The queue is empty.</exception>
    public KVCacheBlock PopLeft()
    {
        var block = _head.NextFree!;
        if (block == _tail)
        {
            throw new InvalidOperationException("No free KV-cache blocks.");
        }
        Remove(block);
        return block;
    }

    /// <summary>Removes <paramref name="block"/> from wherever it is in the queue.</summary>
    public void Remove(KVCacheBlock block)
    {
        if (block.PrevFree is null || block.NextFree is null)
        {
            throw new InvalidOperationException($"{block} is not in the free queue.");
        }
        block.PrevFree.NextFree = block.NextFree;
        block.NextFree.PrevFree = block.PrevFree;
        block.PrevFree = null;
        block.NextFree = null;
        Count--;
    }

    /// <summary>Puts <paramref name="block"/> at the back (the last to evict).</summary>
    public void Append(KVCacheBlock block)
    {
        if (block.PrevFree is not null || block.NextFree is not null)
        {
            throw new InvalidOperationException($"{block} is already in the free queue.");
        }
        var last = _tail.PrevFree!;
        last.NextFree = block;
        block.PrevFree = last;
        block.NextFree = _tail;
        _tail.PrevFree = block;
        Count++;
    }

    /// <summary>Copies the queue's block ids, front first (for tests and diagnostics).</summary>
    public List<int> GetBlockIds()
    {
        var ids = new List<int>(Count);
        for (var b = _head.NextFree!; b != _tail; b = b.NextFree!)
        {
            ids.Add(b.BlockId);
        }
        return ids;
    }
}
