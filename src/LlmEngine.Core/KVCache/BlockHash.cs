using System.Numerics;

namespace LlmEngine.KVCache;

/// <summary>
/// The hash of a full KV block that names its whole prefix: it chains the parent block's hash, the block's token ids
/// and an extra key (a LoRA or multimodal id, a cache salt), so equal hashes mean equal prefixes up to collisions,
/// which the block pool rules out by comparing the block's token ids.
/// </summary>
/// <param name="Value">The 64-bit hash.</param>
internal readonly record struct BlockHash(ulong Value)
{
    private const ulong Prime1 = 0x9E3779B185EBCA87UL;
    private const ulong Prime2 = 0xC2B2AE3D27D4EB4FUL;
    private const ulong Prime3 = 0x165667B19E3779F9UL;

    /// <summary>The value chained into the first block of every sequence.</summary>
    public static BlockHash Root { get; } = new(0x27D4EB2F165667C5UL);

    /// <summary>Hashes one full block given its parent block's hash.</summary>
    public static BlockHash Compute(BlockHash parent, ReadOnlySpan<int> tokenIds, ulong extraKey = 0)
    {
        var h = parent.Value ^ (extraKey * Prime3) ^ ((ulong)tokenIds.Length * Prime1);
        foreach (var token in tokenIds)
        {
            h ^= Round((uint)token);
            h = BitOperations.RotateLeft(h, 27) * Prime1 + Prime3;
        }
        return new BlockHash(Avalanche(h));
    }

    private static ulong Round(ulong input)
    {
        var acc = input * Prime2;
        acc = BitOperations.RotateLeft(acc, 31);
        return acc * Prime1;
    }

    private static ulong Avalanche(ulong h)
    {
        h ^= h >> 33;
        h *= Prime2;
        h ^= h >> 29;
        h *= Prime3;
        h ^= h >> 32;
        return h;
    }
}
