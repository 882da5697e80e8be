using LlmEngine.Tokenization.Unicode;

namespace LlmEngine.Tokenization.PreTokenization;

/// <summary>
/// Position helpers for the hand-written splitters: code points and their classes inside one segment (outside it,
/// <see cref="Codepoints.OutOfRange"/> and no class), and emission of the piece ending at a position.
/// </summary>
internal struct SegmentCursor
{
    private readonly int[] _cps;
    private readonly int _start;
    private readonly List<int> _output;
    private int _previousEnd;

    /// <summary>A cursor over <c>[start, end)</c> of <paramref name="cps"/> that appends piece lengths to <paramref name="output"/>.</summary>
    public SegmentCursor(int[] cps, int start, int end, List<int> output)
    {
        _cps = cps;
        _start = start;
        End = end;
        _output = output;
        _previousEnd = start;
    }

    /// <summary>End of the segment (exclusive).</summary>
    public int End { get; }

    /// <summary>The code point at <paramref name="pos"/>, or <see cref="Codepoints.OutOfRange"/>.</summary>
    public readonly int Get(int pos) => pos >= _start && pos < End ? _cps[pos] : Codepoints.OutOfRange;

    /// <summary>Whether <paramref name="pos"/> is inside the segment.</summary>
    public readonly bool InRange(int pos) => pos >= _start && pos < End;

    /// <summary>\p{L} at <paramref name="pos"/>.</summary>
    public readonly bool IsLetter(int pos) => InRange(pos) && Codepoints.GetCategory(_cps[pos]) == CodepointCategory.Letter;

    /// <summary>\p{N} at <paramref name="pos"/>.</summary>
    public readonly bool IsNumber(int pos) => InRange(pos) && Codepoints.GetCategory(_cps[pos]) == CodepointCategory.Number;

    /// <summary>\s at <paramref name="pos"/>.</summary>
    public readonly bool IsWhitespace(int pos) => InRange(pos) && Codepoints.IsWhitespace(_cps[pos]);

    /// <summary>[^\s\p{L}\p{N}] at <paramref name="pos"/> (inside the segment).</summary>
    public readonly bool IsOther(int pos) => InRange(pos) && !Codepoints.IsWhitespace(_cps[pos])
        && Codepoints.GetCategory(_cps[pos]) is not (CodepointCategory.Letter or CodepointCategory.Number);

    /// <summary>Emits the piece from the previous end to <paramref name="end"/> (if not empty) and returns its length.</summary>
    public int AddToken(int end)
    {
        int length = end - _previousEnd;
        if (length > 0)
        {
            _output.Add(length);
        }
        _previousEnd = end;
        return length;
    }
}
