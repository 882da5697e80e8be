namespace LlmEngine.Sampling.Constraints.Grammars;

/// <summary>
/// An immutable set of Unicode scalar values as sorted, disjoint, non-adjacent ranges. Surrogates (U+D800..U+DFFF)
/// are never members: they cannot be encoded in UTF-8, so a negated class never produces them.
/// </summary>
internal sealed class CodePointSet : IEquatable<CodePointSet>
{
    public const int MaxCodePoint = 0x10FFFF;

    private readonly (int Lo, int Hi)[] _ranges;

    private CodePointSet((int Lo, int Hi)[] ranges) => _ranges = ranges;

    public static CodePointSet Empty { get; } = new([]);

    /// <summary>Every Unicode scalar value.</summary>
    public static CodePointSet Any { get; } = FromRanges([(0, MaxCodePoint)]);

    public IReadOnlyList<(int Lo, int Hi)> Ranges => _ranges;

    public bool IsEmpty => _ranges.Length == 0;

    /// <summary>Whether every member is ASCII, so the set is one byte-level terminal.</summary>
    public bool IsAscii => _ranges.Length == 0 || _ranges[^1].Hi < 0x80;

    public static CodePointSet Single(int codePoint) => FromRanges([(codePoint, codePoint)]);

    public static CodePointSet Range(int lo, int hi) => FromRanges([(lo, hi)]);

    public static CodePointSet Of(string chars)
    {
        var list = new List<(int, int)>();
        for (var i = 0; i < chars.Length; i += char.IsSurrogatePair(chars, i) ? 2 : 1)
        {
            var cp = char.ConvertToUtf32(chars, i);
            list.Add((cp, cp));
        }
        return FromRanges(list);
    }

    /// <summary>Normalises arbitrary (possibly overlapping, unsorted) ranges.</summary>
    public static CodePointSet FromRanges(IEnumerable<(int Lo, int Hi)> ranges)
    {
        var sorted = new List<(int Lo, int Hi)>();
        foreach (var (lo, hi) in ranges)
        {
            AddWithoutSurrogates(sorted, Math.Max(lo, 0), Math.Min(hi, MaxCodePoint));
        }
        sorted.Sort((a, b) => a.Lo.CompareTo(b.Lo));
        var merged = new List<(int Lo, int Hi)>();
        foreach (var r in sorted)
        {
            if (merged.Count > 0 && r.Lo <= merged[^1].Hi + 1)
            {
                merged[^1] = (merged[^1].Lo, Math.Max(merged[^1].Hi, r.Hi));
            }
            else
            {
                merged.Add(r);
            }
        }
        return new CodePointSet([.. merged]);
    }

    public bool Contains(int codePoint)
    {
        foreach (var (lo, hi) in _ranges)
        {
            if (codePoint < lo)
            {
                return false;
            }
            if (codePoint <= hi)
            {
                return true;
            }
        }
        return false;
    }

    public CodePointSet Union(CodePointSet other) => FromRanges(_ranges.Concat(other._ranges));

    /// <summary>All scalar values not in this set.</summary>
    public CodePointSet Complement()
    {
        var result = new List<(int, int)>();
        var next = 0;
        foreach (var (lo, hi) in _ranges)
        {
            if (lo > next)
            {
                result.Add((next, lo - 1));
            }
            next = hi + 1;
        }
        if (next <= MaxCodePoint)
        {
            result.Add((next, MaxCodePoint));
        }
        return FromRanges(result);
    }

    public CodePointSet Subtract(CodePointSet other) => Intersect(other.Complement());

    public CodePointSet Intersect(CodePointSet other)
    {
        var result = new List<(int, int)>();
        int i = 0, j = 0;
        while (i < _ranges.Length && j < other._ranges.Length)
        {
            var lo = Math.Max(_ranges[i].Lo, other._ranges[j].Lo);
            var hi = Math.Min(_ranges[i].Hi, other._ranges[j].Hi);
            if (lo <= hi)
            {
                result.Add((lo, hi));
            }
            if (_ranges[i].Hi < other._ranges[j].Hi)
            {
                i++;
            }
            else
            {
                j++;
            }
        }
        return FromRanges(result);
    }

    public bool Equals(CodePointSet? other) => other is not null && _ranges.AsSpan().SequenceEqual(other._ranges);

    public override bool Equals(object? obj) => Equals(obj as CodePointSet);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var r in _ranges)
        {
            hash.Add(r);
        }
        return hash.ToHashCode();
    }

    private static void AddWithoutSurrogates(List<(int Lo, int Hi)> list, int lo, int hi)
    {
        if (lo > hi)
        {
            return;
        }
        if (hi < 0xD800 || lo > 0xDFFF)
        {
            list.Add((lo, hi));
            return;
        }
        if (lo < 0xD800)
        {
            list.Add((lo, 0xD7FF));
        }
        if (hi > 0xDFFF)
        {
            list.Add((0xE000, hi));
        }
    }
}
