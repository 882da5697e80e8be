namespace LlmEngine.Models.Synthesis;

/// <summary>
/// Seeded N(0, 1) samples for synthetic weights: SplitMix64 bits through the Box-Muller transform. Each row of each
/// tensor gets its own stream (seeded from the model seed, tensor index and row), so rows can be generated in
/// parallel in any order and a seed always gives the same file.
/// </summary>
internal struct GaussianSource
{
    private ulong _state;

    public GaussianSource(int seed, int tensor, long row)
    {
        _state = Mix(Mix(Mix((ulong)(uint)seed) ^ (ulong)tensor) ^ (ulong)row);
    }

    /// <summary>Fills <paramref name="values"/> with mean + stddev * N(0, 1).</summary>
    public void Fill(Span<float> values, float mean, float stddev)
    {
        var i = 0;
        for (; i + 1 < values.Length; i += 2)
        {
            var (z0, z1) = NextPair();
            values[i] = mean + stddev * z0;
            values[i + 1] = mean + stddev * z1;
        }
        if (i < values.Length)
        {
            values[i] = mean + stddev * NextPair().Z0;
        }
    }

    private (float Z0, float Z1) NextPair()
    {
        var bits = Next();
        // 24-bit uniforms; u1 in (0, 1] so the log is finite.
        var u1 = ((uint)(bits >> 40) + 1) * (1f / (1 << 24));
        var u2 = (uint)(bits >> 8 & 0xFFFFFF) * (1f / (1 << 24));
        var radius = MathF.Sqrt(-2f * MathF.Log(u1));
        var (sin, cos) = MathF.SinCos(2f * MathF.PI * u2);
        return (radius * cos, radius * sin);
    }

    private ulong Next()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Mix(_state);
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
