using System.Runtime.Intrinsics.X86;

namespace LlmEngine.Execution.Cpu.Kernels;

/// <summary>Which instruction set the integer (int8-activation) kernels use.</summary>
internal enum IntegerKernelPath
{
    /// <summary>Portable scalar loops.</summary>
    Scalar,

    /// <summary>AVX2 (<c>VPMADDUBSW</c> + <c>VPMADDWD</c>).</summary>
    Avx2,

    /// <summary>AVX-VNNI on 256-bit vectors (<c>VPDPBUSD</c>, <c>VPDPWSSD</c>).</summary>
    AvxVnni,
}

/// <summary>Picks the fastest <see cref="IntegerKernelPath"/> this CPU supports, once at start-up.</summary>
internal static class IntegerKernelPaths
{
    /// <summary>The path the executor uses.</summary>
    public static IntegerKernelPath Best { get; } =
        AvxVnni.IsSupported && Avx2.IsSupported && Fma.IsSupported ? IntegerKernelPath.AvxVnni
        : Avx2.IsSupported && Fma.IsSupported ? IntegerKernelPath.Avx2
        : IntegerKernelPath.Scalar;

    /// <summary>Whether <paramref name="path"/> can run on this CPU.</summary>
    public static bool IsSupported(IntegerKernelPath path) => path switch
    {
        IntegerKernelPath.AvxVnni => AvxVnni.IsSupported && Avx2.IsSupported && Fma.IsSupported,
        IntegerKernelPath.Avx2 => Avx2.IsSupported && Fma.IsSupported,
        _ => true,
    };
}
