using System.Numerics;
using System.Runtime.Intrinsics;

namespace LlmEngine.Sampling.Constraints;

/// <summary>
/// A set of allowed token ids as a bitset (<c>ulong</c> words, bit <c>id % 64</c> of word <c>id / 64</c>), filled by
/// <see cref="ConstraintState.ComputeMask"/> and applied to a logits row before penalties and temperature.
/// Reusable across steps: allocate one per sequence slot, not per token.
/// </summary>
public sealed class TokenBitmask
{
    /// <summary>Creates an empty mask (nothing allowed) for <paramref name="size"/> token ids.</summary>
    public TokenBitmask(int size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        Size = size;
        Words = new ulong[(size + 63) / 64];
    }

    /// <summary>Number of token ids the mask covers.</summary>
    public int Size { get; }

    /// <summary>The bit words, <c>ceil(Size / 64)</c> of them.</summary>
    public ulong[] Words { get; }

    /// <summary>Whether <paramref name="tokenId"/> is allowed.</summary>
    public bool IsAllowed(int tokenId) =>
        (uint)tokenId < (uint)Size && (Words[tokenId >> 6] >> (tokenId & 63) & 1) != 0;

    /// <summary>Number of allowed ids.</summary>
    public int CountAllowed()
    {
        var count = 0;
        foreach (var w in Words)
        {
            count += BitOperations.PopCount(w);
        }
        return count;
    }

    /// <summary>Allows every id.</summary>
    public void AllowAll()
    {
        Words.AsSpan().Fill(ulong.MaxValue);
        if (Size % 64 != 0)
        {
            Words[^1] = (1UL << (Size % 64)) - 1;
        }
    }

    /// <summary>Allows nothing.</summary>
    public void Clear() => Words.AsSpan().Clear();

    /// <summary>
    /// Sets every disallowed logit to negative infinity. Logits past <see cref="Size"/> (a padded output layer) are
    /// disallowed too.
    /// </summary>
    public void Apply(Span<float> logits)
    {
        var covered = Math.Min(logits.Length, Size);
        var start = 0;
        for (var w = 0; start < covered; w++, start += 64)
        {
            var length = Math.Min(64, covered - start);
            var bits = Words[w];
            if (length < 64)
            {
                bits &= (1UL << length) - 1;
            }
            if (bits == ulong.MaxValue)
            {
                continue;
            }
            var block = logits.Slice(start, length);
            if (bits == 0)
            {
                block.Fill(float.NegativeInfinity);
                continue;
            }
            ApplyWord(block, bits);
        }
        if (logits.Length > covered)
        {
            logits[covered..].Fill(float.NegativeInfinity);
        }
    }

    private static void ApplyWord(Span<float> block, ulong bits)
    {
        var j = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var lanes = Vector256.Create(1, 2, 4, 8, 16, 32, 64, 128);
            var negInf = Vector256.Create(float.NegativeInfinity);
            for (; j + 8 <= block.Length; j += 8)
            {
                var byteBits = (int)(bits >> j) & 0xFF;
                if (byteBits == 0xFF)
                {
                    continue;
                }
                var allowed = Vector256.Equals(Vector256.Create(byteBits) & lanes, lanes).AsSingle();
                var slice = block.Slice(j, 8);
                Vector256.ConditionalSelect(allowed, Vector256.Create<float>(slice), negInf).CopyTo(slice);
            }
        }
        for (; j < block.Length; j++)
        {
            if ((bits >> j & 1) == 0)
            {
                block[j] = float.NegativeInfinity;
            }
        }
    }
}
