namespace LlmEngine.Sampling.Constraints.Grammars;

/// <summary>A set of byte values (256 bits), the terminal of the byte-level grammar.</summary>
internal readonly struct ByteSet : IEquatable<ByteSet>
{
    private readonly ulong _w0, _w1, _w2, _w3;

    private ByteSet(ulong w0, ulong w1, ulong w2, ulong w3)
    {
        _w0 = w0;
        _w1 = w1;
        _w2 = w2;
        _w3 = w3;
    }

    public static ByteSet Empty => default;

    public static ByteSet All => new(ulong.MaxValue, ulong.MaxValue, ulong.MaxValue, ulong.MaxValue);

    public static ByteSet Single(byte b) => Range(b, b);

    public static ByteSet Range(int lo, int hi)
    {
        Span<ulong> w = stackalloc ulong[4];
        for (var b = lo; b <= hi; b++)
        {
            w[b >> 6] |= 1UL << (b & 63);
        }
        return new ByteSet(w[0], w[1], w[2], w[3]);
    }

    public static ByteSet Of(string asciiChars)
    {
        var set = Empty;
        foreach (var c in asciiChars)
        {
            set = set.Union(Single((byte)c));
        }
        return set;
    }

    public bool IsEmpty => (_w0 | _w1 | _w2 | _w3) == 0;

    public bool Contains(int b) => (Word(b >> 6) >> (b & 63) & 1) != 0;

    /// <summary>Whether every member is also in <paramref name="other"/>.</summary>
    public bool IsSubsetOf(ByteSet other) =>
        (_w0 & ~other._w0) == 0 && (_w1 & ~other._w1) == 0 && (_w2 & ~other._w2) == 0 && (_w3 & ~other._w3) == 0;

    public ByteSet Union(ByteSet other) => new(_w0 | other._w0, _w1 | other._w1, _w2 | other._w2, _w3 | other._w3);

    public ulong Word(int index) => index switch
    {
        0 => _w0,
        1 => _w1,
        2 => _w2,
        _ => _w3,
    };

    public bool Equals(ByteSet other) => _w0 == other._w0 && _w1 == other._w1 && _w2 == other._w2 && _w3 == other._w3;

    public override bool Equals(object? obj) => obj is ByteSet other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(_w0, _w1, _w2, _w3);
}
