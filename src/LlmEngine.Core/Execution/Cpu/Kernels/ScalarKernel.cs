namespace LlmEngine.Execution.Cpu.Kernels;

/// <summary>
/// The portable path of the integer kernels over the same decoded weights and int8 activations: the same integer sums
/// as the vector kernels, so only the float summation order differs.
/// </summary>
internal static unsafe class ScalarKernel
{
    /// <summary>As <see cref="BlockKernel.Multiply{TDot}"/>.</summary>
    public static void Blocks(DecodedWeightTile tile, QuantizedActivations activations, int firstToken, int tokens, float* results, int tokenStep)
    {
        var blocks = tile.Columns / 32;
        for (var t = 0; t < tokens; t++)
        {
            var xq = activations.BlockQuants(firstToken + t);
            var xd = activations.BlockScales(firstToken + t);
            for (var r = 0; r < tile.Rows; r++)
            {
                var w = (sbyte*)tile.Quants + (long)r * tile.QuantStride;
                var d = tile.Scales + r * (tile.QuantStride / 32);
                var sum = 0f;
                for (var b = 0; b < blocks; b++)
                {
                    var dot = 0;
                    for (var i = 32 * b; i < 32 * b + 32; i++)
                    {
                        dot += w[i] * xq[i];
                    }
                    sum += dot * (d[b] * xd[b]);
                }
                results[(long)t * tokenStep + r] = sum;
            }
        }
    }

    /// <summary>As <see cref="SuperBlockKernel.Multiply{TDot}"/>.</summary>
    public static void SuperBlocks(DecodedWeightTile tile, QuantizedActivations activations, int firstToken, int tokens, float* results, int tokenStep)
    {
        var superBlocks = tile.Columns / 256;
        var stride = tile.QuantStride;
        for (var t = 0; t < tokens; t++)
        {
            var xq = activations.SuperQuants(firstToken + t);
            var xd = activations.SuperScales(firstToken + t);
            var sums = activations.SuperSums(firstToken + t);
            for (var r = 0; r < tile.Rows; r++)
            {
                var q = tile.Quants + (long)r * stride;
                var p = tile.Patterns + (long)r * stride;
                var c = tile.Coefficients + r * (stride / 16);
                var d = tile.Scales + r * (stride / 256);
                var m = tile.MinScales + r * (stride / 256);
                var sum = 0f;
                for (var b = 0; b < superBlocks; b++)
                {
                    var dot = 0;
                    var min = 0;
                    for (var g = 0; g < 16; g++)
                    {
                        // Group g's scale is the pattern entry of its chunk's lower (g even) or upper (g odd) half.
                        var scale = p[128 * b + 16 * (g / 2) + 8 * (g % 2)];
                        var group = 0;
                        for (var i = 256 * b + 16 * g; i < 256 * b + 16 * g + 16; i++)
                        {
                            group += q[i] * xq[i];
                        }
                        dot += scale * group;
                        min += c[16 * b + g] * sums[16 * b + g];
                    }
                    sum += dot * (d[b] * xd[b]) - min * (m[b] * xd[b]);
                }
                results[(long)t * tokenStep + r] = sum;
            }
        }
    }
}
