using System.Runtime.CompilerServices;

namespace LlmEngine.Execution.Cpu.Kernels;

/// <summary>IEEE half to float in four integer operations and one multiply, for scales read straight from weight blocks.</summary>
internal static unsafe class HalfBits
{
    /// <summary>2^112: moves a half's exponent (bias 15) to float's (bias 127); also scales subnormal halves exactly.</summary>
    private const float ExponentShift = 5.192296858534828e33f;

    /// <summary>The half at <paramref name="p"/> as a float; exact for every finite value (infinities and NaNs come out finite).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Read(byte* p)
    {
        uint h = Unsafe.ReadUnaligned<ushort>(p);
        var magnitude = BitConverter.UInt32BitsToSingle((h & 0x7fff) << 13) * ExponentShift;
        return BitConverter.UInt32BitsToSingle(BitConverter.SingleToUInt32Bits(magnitude) | ((h & 0x8000) << 16));
    }
}
