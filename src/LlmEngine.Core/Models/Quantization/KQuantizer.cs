namespace LlmEngine.Models.Quantization;

/// <summary>
/// ggml's reference k-quant quantizers without importance matrix (<c>quantize_row_q4_K_ref</c>, <c>q5_K</c>,
/// <c>q6_K</c>): scale search per sub-block, 6- or 8-bit sub-block scales against an fp16 super-scale, then a
/// re-quantization against the scales as stored.
/// </summary>
internal static class KQuantizer
{
    private const int QK = QuantMath.SuperBlock;

    public static void Q4_K(ReadOnlySpan<float> source, Span<byte> destination) => AffineK(source, destination, 4);

    public static void Q5_K(ReadOnlySpan<float> source, Span<byte> destination) => AffineK(source, destination, 5);

    /// <summary>Q4_K (144-byte blocks: d, dmin, scales[12], qs[128]) or Q5_K (176 bytes: qh[32] before qs).</summary>
    private static void AffineK(ReadOnlySpan<float> source, Span<byte> destination, int bits)
    {
        var nmax = (1 << bits) - 1;
        var blockBytes = bits == 4 ? 144 : 176;
        Span<byte> levels = stackalloc byte[QK];
        Span<byte> scratch = stackalloc byte[32];
        Span<float> weights = stackalloc float[32];
        Span<float> mins = stackalloc float[8];
        Span<float> scales = stackalloc float[8];
        for (var i = 0; i < source.Length / QK; i++)
        {
            var x = source.Slice(i * QK, QK);
            var block = destination.Slice(i * blockBytes, blockBytes);
            block.Clear();
            float maxScale = 0, maxMin = 0;
            for (var j = 0; j < 8; j++)
            {
                var xs = x.Slice(32 * j, 32);
                float sumX2 = 0;
                for (var l = 0; l < 32; l++)
                {
                    sumX2 += xs[l] * xs[l];
                }
                var avX = MathF.Sqrt(sumX2 / 32);
                for (var l = 0; l < 32; l++)
                {
                    weights[l] = avX + MathF.Abs(xs[l]);
                }
                scales[j] = bits == 4
                    ? KQuantSearch.AffineScale(nmax, xs, weights, levels.Slice(32 * j, 32), out mins[j], scratch, -1f, 0.1f, 20)
                    : KQuantSearch.AffineScale(nmax, xs, weights, levels.Slice(32 * j, 32), out mins[j], scratch, -0.5f, 0.1f, 15);
                if (scales[j] > maxScale)
                {
                    maxScale = scales[j];
                }
                if (mins[j] > maxMin)
                {
                    maxMin = mins[j];
                }
            }

            var packed = block.Slice(4, 12);
            var invScale = maxScale > 0 ? 63f / maxScale : 0f;
            var invMin = maxMin > 0 ? 63f / maxMin : 0f;
            for (var j = 0; j < 8; j++)
            {
                var ls = Math.Min((byte)63, (byte)QuantMath.NearestInt(invScale * scales[j]));
                var lm = Math.Min((byte)63, (byte)QuantMath.NearestInt(invMin * mins[j]));
                if (j < 4)
                {
                    packed[j] = (byte)ls;
                    packed[j + 4] = (byte)lm;
                }
                else
                {
                    packed[j + 4] = (byte)((ls & 0xF) | ((lm & 0xF) << 4));
                    packed[j - 4] |= (byte)((ls >> 4) << 6);
                    packed[j] |= (byte)((lm >> 4) << 6);
                }
            }
            QuantMath.WriteHalf(block, 0, maxScale / 63f);
            QuantMath.WriteHalf(block, 2, maxMin / 63f);
            var dAll = QuantMath.ReadHalf(block, 0);
            var mAll = QuantMath.ReadHalf(block, 2);
            for (var j = 0; j < 8; j++)
            {
                QuantMath.ScaleMinK4(j, packed, out var sc, out var m);
                var d = dAll * sc;
                if (d == 0)
                {
                    continue;
                }
                var dm = mAll * m;
                for (var ii = 0; ii < 32; ii++)
                {
                    levels[32 * j + ii] = (byte)Math.Clamp(QuantMath.NearestInt((x[32 * j + ii] + dm) / d), 0, nmax);
                }
            }

            if (bits == 4)
            {
                var q = block[16..];
                for (var j = 0; j < QK; j += 64)
                {
                    for (var l = 0; l < 32; l++)
                    {
                        q[j / 2 + l] = (byte)(levels[j + l] | (levels[j + l + 32] << 4));
                    }
                }
            }
            else
            {
                var qh = block.Slice(16, 32);
                var ql = block[48..];
                int m1 = 1, m2 = 2;
                for (var n = 0; n < QK; n += 64)
                {
                    for (var j = 0; j < 32; j++)
                    {
                        int l1 = levels[n + j], l2 = levels[n + j + 32];
                        if (l1 > 15)
                        {
                            l1 -= 16;
                            qh[j] |= (byte)m1;
                        }
                        if (l2 > 15)
                        {
                            l2 -= 16;
                            qh[j] |= (byte)m2;
                        }
                        ql[n / 2 + j] = (byte)(l1 | (l2 << 4));
                    }
                    m1 <<= 2;
                    m2 <<= 2;
                }
            }
        }
    }

    /// <summary>Q6_K (210-byte blocks: ql[128], qh[64], int8 scales[16], d).</summary>
    public static void Q6_K(ReadOnlySpan<float> source, Span<byte> destination)
    {
        Span<byte> levels = stackalloc byte[QK];
        Span<float> scales = stackalloc float[16];
        for (var i = 0; i < source.Length / QK; i++)
        {
            var x = source.Slice(i * QK, QK);
            var block = destination.Slice(i * 210, 210);
            block.Clear();
            float maxScale = 0, maxAbsScale = 0;
            for (var ib = 0; ib < 16; ib++)
            {
                var scale = KQuantSearch.SymmetricScale(32, x.Slice(16 * ib, 16), levels.Slice(16 * ib, 16));
                scales[ib] = scale;
                var abs = MathF.Abs(scale);
                if (abs > maxAbsScale)
                {
                    maxAbsScale = abs;
                    maxScale = scale;
                }
            }
            if (maxAbsScale < KQuantSearch.GroupMaxEps)
            {
                continue;
            }

            var iscale = -128f / maxScale;
            QuantMath.WriteHalf(block, 208, 1 / iscale);
            var sc = block.Slice(192, 16);
            for (var ib = 0; ib < 16; ib++)
            {
                sc[ib] = (byte)(sbyte)Math.Min(127, QuantMath.NearestInt(iscale * scales[ib]));
            }
            var dAll = QuantMath.ReadHalf(block, 208);
            for (var j = 0; j < 16; j++)
            {
                var d = dAll * (sbyte)sc[j];
                if (d == 0)
                {
                    continue;
                }
                for (var ii = 0; ii < 16; ii++)
                {
                    levels[16 * j + ii] = (byte)(Math.Clamp(QuantMath.NearestInt(x[16 * j + ii] / d), -32, 31) + 32);
                }
            }

            for (var j = 0; j < QK; j += 128)
            {
                var ql = block.Slice(j / 2, 64);
                var qh = block.Slice(128 + j / 4, 32);
                for (var l = 0; l < 32; l++)
                {
                    int q1 = levels[j + l], q2 = levels[j + l + 32], q3 = levels[j + l + 64], q4 = levels[j + l + 96];
                    ql[l] = (byte)((q1 & 0xF) | ((q3 & 0xF) << 4));
                    ql[l + 32] = (byte)((q2 & 0xF) | ((q4 & 0xF) << 4));
                    qh[l] = (byte)((q1 >> 4) | ((q2 >> 4) << 2) | ((q3 >> 4) << 4) | ((q4 >> 4) << 6));
                }
            }
        }
    }
}
