using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LlmEngine.Execution.Cpu.Kernels;

/// <summary>
/// The two integer multiply-accumulate steps the quantized kernels are built from, per instruction set. The kernels are
/// generic over an implementation (a struct), so the JIT compiles one specialised copy per instruction set with no
/// indirection in the loops.
/// </summary>
internal interface IInt8Dot
{
    /// <summary>
    /// <c>acc[i] += Σ u[4i+k]·s[4i+k]</c>, k = 0..3: unsigned bytes times signed bytes. Callers keep u ≤ 128 and
    /// s ≥ -127 so that the AVX2 form's 16-bit pair sums cannot saturate.
    /// </summary>
    static abstract Vector256<int> Bytes(Vector256<int> acc, Vector256<byte> u, Vector256<sbyte> s);

    /// <summary><c>acc[i] += a[2i]·b[2i] + a[2i+1]·b[2i+1]</c> over signed 16-bit values.</summary>
    static abstract Vector256<int> Shorts(Vector256<int> acc, Vector256<short> a, Vector256<short> b);
}

/// <summary>AVX-VNNI on 256-bit vectors: <c>VPDPBUSD</c> and <c>VPDPWSSD</c>, one instruction each.</summary>
internal readonly struct VnniDot : IInt8Dot
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Bytes(Vector256<int> acc, Vector256<byte> u, Vector256<sbyte> s) => AvxVnni.MultiplyWideningAndAdd(acc, u, s);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Shorts(Vector256<int> acc, Vector256<short> a, Vector256<short> b) => AvxVnni.MultiplyWideningAndAdd(acc, a, b);
}

/// <summary>AVX2: <c>VPMADDUBSW</c> to 16-bit pair sums, then <c>VPMADDWD</c> against ones, as llama.cpp's <c>mul_sum_us8_pairs</c>.</summary>
internal readonly struct Avx2Dot : IInt8Dot
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Bytes(Vector256<int> acc, Vector256<byte> u, Vector256<sbyte> s) =>
        acc + Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(u, s), Vector256.Create((short)1));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Shorts(Vector256<int> acc, Vector256<short> a, Vector256<short> b) => acc + Avx2.MultiplyAddAdjacent(a, b);
}
