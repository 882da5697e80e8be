namespace LlmEngine.KVCache;

/// <summary>
/// One KV-cache block's bookkeeping (vLLM's <c>KVCacheBlock</c>): which requests hold it and, once it is full and
/// cached, the hash of the prefix it holds. The K/V values themselves live in the executor's memory at
/// <see cref="BlockId"/>. The free-list links make <see cref="FreeKVCacheBlockQueue"/> intrusive.
/// </summary>
internal sealed class KVCacheBlock
{
    private BlockHash? _hash;

    public KVCacheBlock(int blockId) => BlockId = blockId;

    /// <summary>Index of the block in the executor's KV memory.</summary>
    public int BlockId { get; }

    /// <summary>Number of requests whose block table holds this block; 0 means it is in the free queue.</summary>
    public int RefCount { get; internal set; }

    /// <summary>The hash of the full prefix this block ends, once it is cached; set once until the block is evicted.</summary>
    public BlockHash? Hash => _hash;

    internal KVCacheBlock? PrevFree { get; set; }

    internal KVCacheBlock? NextFree { get; set; }

    /// <summary>Records the block's hash when it becomes a cached full block.</summary>
    /// <exception cref="InvalidOperationException">The block already has a hash.</exception>
    public void SetHash(BlockHash hash)
    {
        if (_hash is not null)
        {
            throw new InvalidOperationException($"KV block {BlockId} already has a hash.");
        }
        _hash = hash;
    }

    /// <summary>Forgets the hash when the block is evicted for reuse.</summary>
    public void ResetHash() => _hash = null;

    /// <inheritdoc />
    public override string ToString() => $"KVCacheBlock({BlockId}, ref {RefCount}{(_hash is { } h ? $", hash {h.Value:x16}" : "")})";
}
