namespace LlmEngine.Execution.Cpu;

/// <summary>
/// The KV-cache memory: per layer a K and a V buffer of <c>numBlocks * blockSize</c> slots, each slot one token's
/// <c>kvHeads * headDim</c> floats. Slot <c>blockId * blockSize + offset</c> is addressed through a block table, so a
/// sequence's blocks can lie anywhere in the pool.
/// </summary>
internal sealed unsafe class PagedKVCache : IDisposable
{
    private readonly NativeBuffer _memory = new();
    private readonly float*[] _keys;
    private readonly float*[] _values;

    /// <summary>Allocates the cache (uninitialized: a slot is always written before attention reads it).</summary>
    public PagedKVCache(int numLayers, int numBlocks, int blockSize, int slotWidth)
    {
        NumBlocks = numBlocks;
        BlockSize = blockSize;
        SlotWidth = slotWidth;
        NumSlots = numBlocks * blockSize;
        _keys = new float*[numLayers];
        _values = new float*[numLayers];
        for (var i = 0; i < numLayers; i++)
        {
            _keys[i] = _memory.AllocateCounted((long)NumSlots * slotWidth);
            _values[i] = _memory.AllocateCounted((long)NumSlots * slotWidth);
        }
    }

    /// <summary>Blocks in the pool.</summary>
    public int NumBlocks { get; }

    /// <summary>Tokens per block.</summary>
    public int BlockSize { get; }

    /// <summary>Slots in the pool (<see cref="NumBlocks"/> × <see cref="BlockSize"/>).</summary>
    public int NumSlots { get; }

    /// <summary>Floats per slot (<c>kvHeads * headDim</c>).</summary>
    public int SlotWidth { get; }

    /// <summary>Bytes of cache memory.</summary>
    public long Bytes => _memory.Bytes;

    /// <summary>Layer <paramref name="layer"/>'s K buffer.</summary>
    public float* Keys(int layer) => _keys[layer];

    /// <summary>Layer <paramref name="layer"/>'s V buffer.</summary>
    public float* Values(int layer) => _values[layer];

    /// <inheritdoc />
    public void Dispose() => _memory.Dispose();
}
