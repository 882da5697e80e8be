using System.Text;
using LlmEngine.Models;

namespace LlmEngine.Tests.Robustness;

/// <summary>
/// Corrupts one file in place, one seeded case at a time: truncates it at a point or overwrites 1-8 bytes there, runs
/// a loader, then restores the original bytes. Most points fall in the structured prefix (header, metadata, tensor
/// table) where parsers go wrong; the rest anywhere. The loader must either succeed or throw a
/// <see cref="ModelLoadException"/> naming the file, without allocating more than a bound per case.
/// </summary>
internal sealed class FileFuzzer
{
    private const long MaxAllocationPerCase = 64L << 20;
    private static readonly byte[] s_jsonBytes = Encoding.ASCII.GetBytes("{}[]\",:0123456789-.eE truefalsnul\\");

    private readonly byte[] _original;
    private readonly string _path;
    private readonly Random _random;
    private readonly long _focusEnd;
    private readonly bool _jsonAlphabet;

    /// <param name="original">The intact file's bytes.</param>
    /// <param name="path">Where the file lives; it is rewritten there for each case.</param>
    /// <param name="focusEnd">End of the structured prefix that most mutations target.</param>
    /// <param name="seed">Seed of the case generator.</param>
    /// <param name="jsonAlphabet">Whether some overwrites use JSON's own punctuation and digits (for text formats).</param>
    public FileFuzzer(byte[] original, string path, long focusEnd, int seed, bool jsonAlphabet = false)
    {
        _original = original;
        _path = path;
        _focusEnd = Math.Clamp(focusEnd, 1, original.Length);
        _random = new Random(seed);
        _jsonAlphabet = jsonAlphabet;
        File.WriteAllBytes(path, original);
    }

    public int Opened { get; private set; }

    public int Rejected { get; private set; }

    /// <summary>Runs <paramref name="cases"/> cases; returns a description of every case that broke the contract.</summary>
    public List<string> Run(int cases, Action<string> load, string expectedInMessage)
    {
        var failures = new List<string>();
        for (var i = 0; i < cases; i++)
        {
            var (description, restore) = Mutate();
            var before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                load(_path);
                Opened++;
            }
            catch (ModelLoadException e) when (e.Message.Contains(expectedInMessage, StringComparison.Ordinal))
            {
                Rejected++;
            }
            catch (Exception e)
            {
                failures.Add($"case {i} ({description}): {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
            }
            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (allocated > MaxAllocationPerCase)
            {
                failures.Add($"case {i} ({description}): allocated {allocated:N0} bytes");
            }
            restore();
        }
        return failures;
    }

    private (string Description, Action Restore) Mutate()
    {
        var length = _original.Length;
        var position = _random.NextDouble() < 0.8 ? _random.NextInt64(0, _focusEnd) : _random.NextInt64(0, length);
        if (_random.NextDouble() < 0.3)
        {
            using (var stream = new FileStream(_path, FileMode.Open, FileAccess.Write))
            {
                stream.SetLength(position);
            }
            return ($"truncated to {position} bytes", () => WriteAt(position, _original.AsSpan((int)position)));
        }

        var count = (int)Math.Min(_random.Next(1, 9), length - position);
        var bytes = new byte[count];
        var style = _random.Next(_jsonAlphabet ? 5 : 4);
        for (var b = 0; b < count; b++)
        {
            bytes[b] = style switch
            {
                0 => 0xFF,
                1 => 0x00,
                2 => (byte)_random.Next(0x80, 0x100),
                3 => (byte)_random.Next(0x100),
                _ => s_jsonBytes[_random.Next(s_jsonBytes.Length)],
            };
        }
        WriteAt(position, bytes);
        return ($"{count} bytes at {position} set to {Convert.ToHexString(bytes)}", () => WriteAt(position, _original.AsSpan((int)position, count)));
    }

    private void WriteAt(long position, ReadOnlySpan<byte> bytes)
    {
        using var stream = new FileStream(_path, FileMode.Open, FileAccess.Write);
        stream.Position = position;
        stream.Write(bytes);
    }
}
