using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LlmEngine.Execution.Cpu.Kernels;

/// <summary>Writes <see cref="DecodedWeightTile.Interleaved"/> from the tile's eight decoded block rows (AVX-VNNI).</summary>
internal static unsafe class InterleavedLayout
{
    public static void Write(DecodedWeightTile tile)
    {
        var stride = tile.QuantStride;
        var scaleStride = stride / 32;
        var q = (sbyte*)tile.Quants;
        var unsigned128 = Vector256.Create((byte)128);
        for (var b = 0; b < tile.Columns / 32; b++)
        {
            var o = b * 32;
            // An 8x8 transpose of 32-bit groups: row j's weights 4k..4k+3 go to lane j of vector k.
            var t0 = Avx2.UnpackLow(Vector256.Load(q + o).AsInt32(), Vector256.Load(q + stride + o).AsInt32());
            var t1 = Avx2.UnpackHigh(Vector256.Load(q + o).AsInt32(), Vector256.Load(q + stride + o).AsInt32());
            var t2 = Avx2.UnpackLow(Vector256.Load(q + 2 * stride + o).AsInt32(), Vector256.Load(q + 3 * stride + o).AsInt32());
            var t3 = Avx2.UnpackHigh(Vector256.Load(q + 2 * stride + o).AsInt32(), Vector256.Load(q + 3 * stride + o).AsInt32());
            var t4 = Avx2.UnpackLow(Vector256.Load(q + 4 * stride + o).AsInt32(), Vector256.Load(q + 5 * stride + o).AsInt32());
            var t5 = Avx2.UnpackHigh(Vector256.Load(q + 4 * stride + o).AsInt32(), Vector256.Load(q + 5 * stride + o).AsInt32());
            var t6 = Avx2.UnpackLow(Vector256.Load(q + 6 * stride + o).AsInt32(), Vector256.Load(q + 7 * stride + o).AsInt32());
            var t7 = Avx2.UnpackHigh(Vector256.Load(q + 6 * stride + o).AsInt32(), Vector256.Load(q + 7 * stride + o).AsInt32());
            var u0 = Avx2.UnpackLow(t0.AsInt64(), t2.AsInt64());
            var u1 = Avx2.UnpackHigh(t0.AsInt64(), t2.AsInt64());
            var u2 = Avx2.UnpackLow(t1.AsInt64(), t3.AsInt64());
            var u3 = Avx2.UnpackHigh(t1.AsInt64(), t3.AsInt64());
            var u4 = Avx2.UnpackLow(t4.AsInt64(), t6.AsInt64());
            var u5 = Avx2.UnpackHigh(t4.AsInt64(), t6.AsInt64());
            var u6 = Avx2.UnpackLow(t5.AsInt64(), t7.AsInt64());
            var u7 = Avx2.UnpackHigh(t5.AsInt64(), t7.AsInt64());
            var destination = tile.Interleaved + (long)b * DecodedWeightTile.InterleavedBlockBytes;
            var v0 = Avx2.Permute2x128(u0, u4, 0x20).AsSByte();
            var v1 = Avx2.Permute2x128(u1, u5, 0x20).AsSByte();
            var v2 = Avx2.Permute2x128(u2, u6, 0x20).AsSByte();
            var v3 = Avx2.Permute2x128(u3, u7, 0x20).AsSByte();
            var v4 = Avx2.Permute2x128(u0, u4, 0x31).AsSByte();
            var v5 = Avx2.Permute2x128(u1, u5, 0x31).AsSByte();
            var v6 = Avx2.Permute2x128(u2, u6, 0x31).AsSByte();
            var v7 = Avx2.Permute2x128(u3, u7, 0x31).AsSByte();
            v0.Store((sbyte*)destination);
            v1.Store((sbyte*)destination + 32);
            v2.Store((sbyte*)destination + 64);
            v3.Store((sbyte*)destination + 96);
            v4.Store((sbyte*)destination + 128);
            v5.Store((sbyte*)destination + 160);
            v6.Store((sbyte*)destination + 192);
            v7.Store((sbyte*)destination + 224);
            var sum = AvxVnni.MultiplyWideningAndAdd(Vector256<int>.Zero, unsigned128, v0);
            sum = AvxVnni.MultiplyWideningAndAdd(sum, unsigned128, v1);
            sum = AvxVnni.MultiplyWideningAndAdd(sum, unsigned128, v2);
            sum = AvxVnni.MultiplyWideningAndAdd(sum, unsigned128, v3);
            sum = AvxVnni.MultiplyWideningAndAdd(sum, unsigned128, v4);
            sum = AvxVnni.MultiplyWideningAndAdd(sum, unsigned128, v5);
            sum = AvxVnni.MultiplyWideningAndAdd(sum, unsigned128, v6);
            sum = AvxVnni.MultiplyWideningAndAdd(sum, unsigned128, v7);
            (-sum).Store((int*)(destination + 256));
            var scales = (float*)(destination + 288);
            for (var r = 0; r < DecodedWeightTile.MaxRows; r++)
            {
                scales[r] = tile.Scales[r * scaleStride + b];
            }
        }
    }
}
