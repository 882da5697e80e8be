namespace LlmEngine.Models.Quantization;

/// <summary>Dequantizers for the non-linear 4-bit types IQ4_NL (blocks of 32) and IQ4_XS (super-blocks of 256).</summary>
internal static class IQ4Dequantizer
{
    public static void IQ4_NL(ReadOnlySpan<byte> source, Span<float> destination)
    {
        var levels = IQ4Values.Levels;
        for (var i = 0; i < destination.Length / 32; i++)
        {
            // block_iq4_nl: d, qs[16].
            var block = source.Slice(i * 18, 18);
            var y = destination.Slice(i * 32, 32);
            var d = QuantMath.ReadHalf(block, 0);
            for (var j = 0; j < 16; j++)
            {
                y[j] = d * levels[block[2 + j] & 0xF];
                y[j + 16] = d * levels[block[2 + j] >> 4];
            }
        }
    }

    public static void IQ4_XS(ReadOnlySpan<byte> source, Span<float> destination)
    {
        var levels = IQ4Values.Levels;
        for (var i = 0; i < destination.Length / QuantMath.SuperBlock; i++)
        {
            // block_iq4_xs: d, scales_h (u16), scales_l[4], qs[128].
            var block = source.Slice(i * 136, 136);
            var y = destination.Slice(i * QuantMath.SuperBlock, QuantMath.SuperBlock);
            var d = QuantMath.ReadHalf(block, 0);
            var scalesH = block[2] | (block[3] << 8);
            for (var ib = 0; ib < 8; ib++)
            {
                var ls = ((block[4 + ib / 2] >> (4 * (ib % 2))) & 0xF) | (((scalesH >> (2 * ib)) & 3) << 4);
                var dl = d * (ls - 32);
                var qs = block.Slice(8 + 16 * ib, 16);
                var o = y.Slice(32 * ib, 32);
                for (var j = 0; j < 16; j++)
                {
                    o[j] = dl * levels[qs[j] & 0xF];
                    o[j + 16] = dl * levels[qs[j] >> 4];
                }
            }
        }
    }
}
