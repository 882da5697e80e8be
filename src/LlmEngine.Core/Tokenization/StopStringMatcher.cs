using System.Text;

namespace LlmEngine.Tokenization;

/// <summary>
/// Finds stop strings in streamed text, across token boundaries. Text that could be the start of a stop string is
/// held back until the next delta decides it, so no part of a stop string is ever released before the match; the
/// matched stop string is left out unless it is to be included. Not thread-safe: one instance per sequence.
/// </summary>
public sealed class StopStringMatcher
{
    private readonly string[] _stopStrings;
    private readonly bool _includeStopString;
    private readonly StringBuilder _pending = new();
    private char[] _buffer = new char[64];

    /// <summary>Creates a matcher for <paramref name="stopStrings"/> (none may be empty).</summary>
    public StopStringMatcher(IReadOnlyList<string> stopStrings, bool includeStopStringInOutput = false)
    {
        ArgumentNullException.ThrowIfNull(stopStrings);
        _stopStrings = new string[stopStrings.Count];
        for (var i = 0; i < _stopStrings.Length; i++)
        {
            ArgumentException.ThrowIfNullOrEmpty(stopStrings[i], nameof(stopStrings));
            _stopStrings[i] = stopStrings[i];
        }
        _includeStopString = includeStopStringInOutput;
    }

    /// <summary>The stop string that matched, once one has.</summary>
    public string? MatchedStopString { get; private set; }

    /// <summary>Number of characters currently held back.</summary>
    public int NumHeldBackChars => _pending.Length;

    /// <summary>
    /// Adds new text and appends to <paramref name="output"/> the text that can no longer be part of a stop string.
    /// Returns the stop string when one completes: <paramref name="output"/> then ends just before it (or just after
    /// it when it is included) and later calls add nothing.
    /// </summary>
    public string? Process(ReadOnlySpan<char> text, StringBuilder output)
    {
        if (MatchedStopString is not null || text.IsEmpty)
        {
            return null;
        }
        _pending.Append(text);
        var pending = PendingSpan();

        var matchAt = -1;
        string? match = null;
        foreach (var stop in _stopStrings)
        {
            var at = pending.IndexOf(stop.AsSpan(), StringComparison.Ordinal);
            if (at >= 0 && (matchAt < 0 || at < matchAt))
            {
                matchAt = at;
                match = stop;
            }
        }
        if (match is not null)
        {
            output.Append(pending[..matchAt]);
            if (_includeStopString)
            {
                output.Append(match);
            }
            _pending.Clear();
            MatchedStopString = match;
            return match;
        }

        var hold = LongestSuffixThatStartsAStopString(pending);
        output.Append(pending[..^hold]);
        _pending.Remove(0, pending.Length - hold);
        return null;
    }

    /// <summary>Releases the held-back text at the end of generation (when no stop string matched).</summary>
    public void Flush(StringBuilder output)
    {
        if (MatchedStopString is null)
        {
            output.Append(_pending);
        }
        _pending.Clear();
    }

    private int LongestSuffixThatStartsAStopString(ReadOnlySpan<char> pending)
    {
        var best = 0;
        foreach (var stop in _stopStrings)
        {
            for (var k = Math.Min(stop.Length - 1, pending.Length); k > best; k--)
            {
                if (stop.AsSpan(0, k).SequenceEqual(pending[^k..]))
                {
                    best = k;
                    break;
                }
            }
        }
        return best;
    }

    private ReadOnlySpan<char> PendingSpan()
    {
        if (_buffer.Length < _pending.Length)
        {
            _buffer = new char[Math.Max(_pending.Length, _buffer.Length * 2)];
        }
        _pending.CopyTo(0, _buffer, _pending.Length);
        return _buffer.AsSpan(0, _pending.Length);
    }
}
