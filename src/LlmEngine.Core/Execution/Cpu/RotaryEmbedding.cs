using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using LlmEngine.Models;
using LlmEngine.Models.Architectures;

namespace LlmEngine.Execution.Cpu;

/// <summary>
/// Applies rotary position embeddings to one head. Angles come precomputed per token (<see cref="FillTable"/>) in a
/// form that makes both layouts one multiply-add: <c>out = x * cos + partner(x) * signedSin</c>.
/// </summary>
internal static class RotaryEmbedding
{
    /// <summary>
    /// Fills one token's row of the table (<c>dims</c> floats each): for <see cref="RopeStyle.Normal"/> cos and sin
    /// repeated per element of a pair with the sin sign of its role; for <see cref="RopeStyle.Neox"/> one cos and sin per pair.
    /// </summary>
    public static void FillTable(RopeParameters rope, int position, Span<float> cos, Span<float> sin)
    {
        var pairs = rope.Dimensions / 2;
        rope.Angles(position, cos[..pairs], sin[..pairs]);
        if (rope.Style == RopeStyle.Normal)
        {
            for (var i = pairs - 1; i >= 0; i--)
            {
                var c = cos[i];
                var s = sin[i];
                cos[2 * i] = c;
                cos[2 * i + 1] = c;
                sin[2 * i] = -s;
                sin[2 * i + 1] = s;
            }
        }
    }

    /// <summary>Rotates the first <c>cos.Length</c> dimensions of <paramref name="head"/> in place.</summary>
    public static void Apply(Span<float> head, ReadOnlySpan<float> cos, ReadOnlySpan<float> sin, RopeStyle style)
    {
        if (style == RopeStyle.Normal)
        {
            ApplyNormal(head[..cos.Length], cos, sin);
        }
        else
        {
            ApplyNeox(head[..cos.Length], cos[..(cos.Length / 2)], sin[..(cos.Length / 2)]);
        }
    }

    private static void ApplyNormal(Span<float> x, ReadOnlySpan<float> cos, ReadOnlySpan<float> sin)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref var xr = ref x[0];
            for (; i + 8 <= x.Length; i += 8)
            {
                var v = Vector256.LoadUnsafe(ref xr, (nuint)i);
                var swapped = Vector256.Shuffle(v, Vector256.Create(1, 0, 3, 2, 5, 4, 7, 6));
                var c = Vector256.Create(cos.Slice(i, 8));
                var s = Vector256.Create(sin.Slice(i, 8));
                (v * c + swapped * s).StoreUnsafe(ref xr, (nuint)i);
            }
        }
        for (; i < x.Length; i += 2)
        {
            var x0 = x[i];
            var x1 = x[i + 1];
            x[i] = x0 * cos[i] + x1 * sin[i];
            x[i + 1] = x1 * cos[i + 1] + x0 * sin[i + 1];
        }
    }

    private static void ApplyNeox(Span<float> x, ReadOnlySpan<float> cos, ReadOnlySpan<float> sin)
    {
        var half = cos.Length;
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref var xr = ref x[0];
            for (; i + 8 <= half; i += 8)
            {
                var a = Vector256.LoadUnsafe(ref xr, (nuint)i);
                var b = Vector256.LoadUnsafe(ref xr, (nuint)(i + half));
                var c = Vector256.Create(cos.Slice(i, 8));
                var s = Vector256.Create(sin.Slice(i, 8));
                (a * c - b * s).StoreUnsafe(ref xr, (nuint)i);
                (b * c + a * s).StoreUnsafe(ref xr, (nuint)(i + half));
            }
        }
        for (; i < half; i++)
        {
            Rotate(ref x[i], ref x[i + half], cos[i], sin[i]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Rotate(ref float x0, ref float x1, float cos, float sin)
    {
        var a = x0;
        var b = x1;
        x0 = a * cos - b * sin;
        x1 = a * sin + b * cos;
    }
}
