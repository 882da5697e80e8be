namespace LlmEngine.Models.Quantization;

/// <summary>
/// Scalar dequantizers for ggml's k-quants (super-blocks of 256: Q2_K, Q3_K, Q4_K, Q5_K, Q6_K), the reference the
/// vectorized paths must equal. Operation order follows ggml, e.g. Q4_K's <c>(d*sc)*q - (dmin*m)</c>.
/// </summary>
internal static class KQuantDequantizer
{
    private const int QK = QuantMath.SuperBlock;

    public static void Q2_K(ReadOnlySpan<byte> source, Span<float> destination)
    {
        for (var i = 0; i < destination.Length / QK; i++)
        {
            // block_q2_K: scales[16], qs[64], d, dmin.
            var block = source.Slice(i * 84, 84);
            var y = destination.Slice(i * QK, QK);
            var scales = block[..16];
            var d = QuantMath.ReadHalf(block, 80);
            var min = QuantMath.ReadHalf(block, 82);
            var o = 0;
            var isc = 0;
            for (var n = 0; n < QK; n += 128)
            {
                var q = block.Slice(16 + n / 4, 32);
                for (var shift = 0; shift < 8; shift += 2)
                {
                    for (var half = 0; half < 2; half++)
                    {
                        var sc = scales[isc++];
                        var dl = d * (sc & 0xF);
                        var ml = min * (sc >> 4);
                        for (var l = 0; l < 16; l++)
                        {
                            y[o++] = dl * ((q[l + 16 * half] >> shift) & 3) - ml;
                        }
                    }
                }
            }
        }
    }

    public static void Q3_K(ReadOnlySpan<byte> source, Span<float> destination)
    {
        Span<int> scales = stackalloc int[16];
        for (var i = 0; i < destination.Length / QK; i++)
        {
            // block_q3_K: hmask[32], qs[64], scales[12], d.
            var block = source.Slice(i * 110, 110);
            var y = destination.Slice(i * QK, QK);
            var hm = block[..32];
            var packed = block.Slice(96, 12);
            var dAll = QuantMath.ReadHalf(block, 108);
            for (var j = 0; j < 16; j++)
            {
                var low = j < 8 ? packed[j] & 0xF : packed[j - 8] >> 4;
                var high = (packed[8 + j % 4] >> (2 * (j / 4))) & 3;
                scales[j] = (low | (high << 4)) - 32;
            }
            var o = 0;
            var isc = 0;
            var bit = 0;
            for (var n = 0; n < QK; n += 128)
            {
                var q = block.Slice(32 + n / 4, 32);
                for (var shift = 0; shift < 8; shift += 2)
                {
                    for (var half = 0; half < 2; half++)
                    {
                        var dl = dAll * scales[isc++];
                        for (var l = 16 * half; l < 16 * half + 16; l++)
                        {
                            // A clear high bit subtracts 4; computed without a branch (the bits are random).
                            y[o++] = dl * (((q[l] >> shift) & 3) - 4 + (((hm[l] >> bit) & 1) << 2));
                        }
                    }
                    bit++;
                }
            }
        }
    }

    public static void Q4_K(ReadOnlySpan<byte> source, Span<float> destination)
    {
        for (var i = 0; i < destination.Length / QK; i++)
        {
            // block_q4_K: d, dmin, scales[12], qs[128].
            var block = source.Slice(i * 144, 144);
            var y = destination.Slice(i * QK, QK);
            var d = QuantMath.ReadHalf(block, 0);
            var min = QuantMath.ReadHalf(block, 2);
            var scales = block.Slice(4, 12);
            for (var j = 0; j < 4; j++)
            {
                var q = block.Slice(16 + 32 * j, 32);
                QuantMath.ScaleMinK4(2 * j, scales, out var sc, out var mn);
                var d1 = d * sc;
                var m1 = min * mn;
                QuantMath.ScaleMinK4(2 * j + 1, scales, out sc, out mn);
                var d2 = d * sc;
                var m2 = min * mn;
                var o = y.Slice(64 * j, 64);
                for (var l = 0; l < 32; l++)
                {
                    o[l] = d1 * (q[l] & 0xF) - m1;
                    o[l + 32] = d2 * (q[l] >> 4) - m2;
                }
            }
        }
    }

    public static void Q5_K(ReadOnlySpan<byte> source, Span<float> destination)
    {
        for (var i = 0; i < destination.Length / QK; i++)
        {
            // block_q5_K: d, dmin, scales[12], qh[32], qs[128].
            var block = source.Slice(i * 176, 176);
            var y = destination.Slice(i * QK, QK);
            var d = QuantMath.ReadHalf(block, 0);
            var min = QuantMath.ReadHalf(block, 2);
            var scales = block.Slice(4, 12);
            var qh = block.Slice(16, 32);
            for (var j = 0; j < 4; j++)
            {
                var ql = block.Slice(48 + 32 * j, 32);
                QuantMath.ScaleMinK4(2 * j, scales, out var sc, out var mn);
                var d1 = d * sc;
                var m1 = min * mn;
                QuantMath.ScaleMinK4(2 * j + 1, scales, out sc, out mn);
                var d2 = d * sc;
                var m2 = min * mn;
                var o = y.Slice(64 * j, 64);
                // The high bits are shifted into place rather than tested: random bits defeat a branch predictor.
                var shift = 2 * j;
                for (var l = 0; l < 32; l++)
                {
                    o[l] = d1 * ((ql[l] & 0xF) + (((qh[l] >> shift) & 1) << 4)) - m1;
                    o[l + 32] = d2 * ((ql[l] >> 4) + (((qh[l] >> (shift + 1)) & 1) << 4)) - m2;
                }
            }
        }
    }

    public static void Q6_K(ReadOnlySpan<byte> source, Span<float> destination)
    {
        for (var i = 0; i < destination.Length / QK; i++)
        {
            // block_q6_K: ql[128], qh[64], scales[16] (int8), d.
            var block = source.Slice(i * 210, 210);
            var y = destination.Slice(i * QK, QK);
            var d = QuantMath.ReadHalf(block, 208);
            for (var n = 0; n < 2; n++)
            {
                var ql = block.Slice(64 * n, 64);
                var qh = block.Slice(128 + 32 * n, 32);
                var sc = block.Slice(192 + 8 * n, 8);
                var o = y.Slice(128 * n, 128);
                for (var l = 0; l < 32; l++)
                {
                    var isc = l / 16;
                    var q1 = ((ql[l] & 0xF) | ((qh[l] & 3) << 4)) - 32;
                    var q2 = ((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32;
                    var q3 = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
                    var q4 = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
                    o[l] = d * (sbyte)sc[isc] * q1;
                    o[l + 32] = d * (sbyte)sc[isc + 2] * q2;
                    o[l + 64] = d * (sbyte)sc[isc + 4] * q3;
                    o[l + 96] = d * (sbyte)sc[isc + 6] * q4;
                }
            }
        }
    }
}
