using LlmEngine.Models;

namespace LlmEngine.Execution.Cpu.Kernels;

/// <summary>
/// Quantized weights times int8-quantized activations, as llama.cpp multiplies them: which weight types have an
/// integer kernel and the activation format each needs, and the dispatch to the kernel of an instruction set.
/// </summary>
internal static unsafe class IntegerMatMul
{
    /// <summary>Tokens from which block rows are interleaved (<see cref="InterleavedBlockKernel"/>) rather than multiplied row by row.</summary>
    public const int InterleaveMinTokens = 2;

    /// <summary>The activation format <paramref name="type"/> multiplies against, or <see cref="ActivationFormat.None"/> when it has no integer kernel for rows of <paramref name="columns"/>.</summary>
    public static ActivationFormat FormatOf(GgmlType type, int columns) => type switch
    {
        GgmlType.Q8_0 or GgmlType.Q4_0 or GgmlType.Q5_0 when columns % 32 == 0 => ActivationFormat.Blocks,
        GgmlType.Q4_K or GgmlType.Q5_K or GgmlType.Q6_K when columns % 256 == 0 => ActivationFormat.SuperBlocks,
        _ => ActivationFormat.None,
    };

    /// <summary>
    /// <c>results[t * tokenStep + r] = row r of <paramref name="tile"/> · token (firstToken + t)</c> of
    /// <paramref name="activations"/>, which must hold the tile's format, on <paramref name="path"/>. The interleaved
    /// kernel writes all <see cref="DecodedWeightTile.MaxRows"/> results per token, so <paramref name="tokenStep"/> must
    /// be at least that.
    /// </summary>
    public static void Multiply(IntegerKernelPath path, DecodedWeightTile tile, QuantizedActivations activations, int firstToken, int tokens, float* results, int tokenStep)
    {
        var blocks = tile.Format == ActivationFormat.Blocks;
        if (blocks && path == IntegerKernelPath.AvxVnni && tokens >= InterleaveMinTokens)
        {
            tile.Interleave();
            InterleavedBlockKernel.Multiply(tile, activations, firstToken, tokens, results, tokenStep);
            return;
        }
        switch (path)
        {
            case IntegerKernelPath.AvxVnni when blocks:
                BlockKernel.Multiply<VnniDot>(tile, activations, firstToken, tokens, results, tokenStep);
                break;
            case IntegerKernelPath.AvxVnni:
                SuperBlockKernel.Multiply<VnniDot>(tile, activations, firstToken, tokens, results, tokenStep);
                break;
            case IntegerKernelPath.Avx2 when blocks:
                BlockKernel.Multiply<Avx2Dot>(tile, activations, firstToken, tokens, results, tokenStep);
                break;
            case IntegerKernelPath.Avx2:
                SuperBlockKernel.Multiply<Avx2Dot>(tile, activations, firstToken, tokens, results, tokenStep);
                break;
            case IntegerKernelPath.Scalar when blocks:
                ScalarKernel.Blocks(tile, activations, firstToken, tokens, results, tokenStep);
                break;
            default:
                ScalarKernel.SuperBlocks(tile, activations, firstToken, tokens, results, tokenStep);
                break;
        }
    }
}
