using System.Diagnostics;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace LlmEngine.Cli.Benchmarking;

/// <summary>
/// Measures the memory bandwidth a decode step can hope for: every thread streams its own slice of a buffer far
/// larger than the caches (as a matrix-vector product streams the weights), and the best of a few repetitions counts.
/// </summary>
internal static unsafe class BandwidthProbe
{
    /// <summary>512 MiB: sixteen times a Zen 5 CCD's L3, so nearly every byte comes from DRAM.</summary>
    public const long DefaultBufferBytes = 512L << 20;

    private static ulong s_sink;

    /// <summary>Bytes per second read by <paramref name="threads"/> threads together (best of <paramref name="repetitions"/>).</summary>
    public static ProbeRate Measure(int threads, long bufferBytes = DefaultBufferBytes, int passes = 4, int repetitions = 3)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferBytes, 64L * threads);
        ArgumentOutOfRangeException.ThrowIfLessThan(passes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(repetitions, 1);
        var slice = bufferBytes / threads / 256 * 256;
        var buffer = (byte*)NativeMemory.AlignedAlloc((nuint)(slice * threads), 64);
        try
        {
            // Written first so that every page is backed by its own memory rather than the shared zero page.
            NativeMemory.Fill(buffer, (nuint)(slice * threads), 1);
            var best = default(ProbeRate);
            for (var r = 0; r < repetitions; r++)
            {
                var (wall, cpu) = ParallelProbe.Run(threads, t =>
                {
                    var start = buffer + (t * slice);
                    ulong sum = 0;
                    for (var p = 0; p < passes; p++)
                    {
                        sum += Read(start, slice);
                    }
                    Volatile.Write(ref s_sink, sum);
                });
                best = best.Max(ProbeRate.Of(slice * threads * (double)passes, wall, cpu, threads));
            }
            return best;
        }
        finally
        {
            NativeMemory.AlignedFree(buffer);
        }
    }

    private static ulong Read(byte* start, long length)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            var a = Vector512<ulong>.Zero;
            var b = Vector512<ulong>.Zero;
            var c = Vector512<ulong>.Zero;
            var d = Vector512<ulong>.Zero;
            for (long i = 0; i < length; i += 256)
            {
                a += Vector512.LoadAligned((ulong*)(start + i));
                b += Vector512.LoadAligned((ulong*)(start + i + 64));
                c += Vector512.LoadAligned((ulong*)(start + i + 128));
                d += Vector512.LoadAligned((ulong*)(start + i + 192));
            }
            return Vector512.Sum(a + b + c + d);
        }
        var x = Vector<ulong>.Zero;
        var y = Vector<ulong>.Zero;
        var step = Vector<byte>.Count * 2;
        for (long i = 0; i + step <= length; i += step)
        {
            x += *(Vector<ulong>*)(start + i);
            y += *(Vector<ulong>*)(start + i + Vector<byte>.Count);
        }
        return Vector.Sum(x + y);
    }
}
