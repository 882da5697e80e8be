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

    /// <summary>Tokens up to which rows with an in-place kernel (<see cref="HasInPlaceKernel"/>) are read straight from the weights rather than decoded into a tile.</summary>
    public const int InPlaceMaxTokens = 2;

    /// <summary>Whether <paramref name="type"/> has a kernel on <paramref name="path"/> that reads its rows in place (<see cref="MultiplyInPlace"/>).</summary>
    public static bool HasInPlaceKernel(IntegerKernelPath path, GgmlType type) =>
        path != IntegerKernelPath.Scalar && type is GgmlType.Q8_0 or GgmlType.Q4_0 or GgmlType.Q5_0 or GgmlType.Q4_K or GgmlType.Q6_K;

    /// <summary>
    /// <c>y[r] = row r · token <paramref name="token"/></c> of <paramref name="activations"/> for <paramref name="rows"/>
    /// rows of <paramref name="type"/> read where they lie (the first at <paramref name="first"/>, <paramref name="rowBytes"/>
    /// apart), on <paramref name="path"/>; for decode, where each row is used once. Needs <see cref="HasInPlaceKernel"/>.
    /// </summary>
    public static void MultiplyInPlace(IntegerKernelPath path, GgmlType type, byte* first, long rowBytes, int rows, int columns, QuantizedActivations activations, int token, float* y)
    {
        if (path == IntegerKernelPath.AvxVnni)
        {
            InPlace<VnniDot>(type, first, rowBytes, rows, columns, activations, token, y);
        }
        else
        {
            InPlace<Avx2Dot>(type, first, rowBytes, rows, columns, activations, token, y);
        }
    }

    private static void InPlace<TDot>(GgmlType type, byte* first, long rowBytes, int rows, int columns, QuantizedActivations activations, int token, float* y)
        where TDot : struct, IInt8Dot
    {
        switch (type)
        {
            case GgmlType.Q8_0:
                InPlaceBlockKernel.Q8_0<TDot>(first, rowBytes, rows, columns, activations.BlockQuants(token), activations.BlockScales(token), y);
                break;
            case GgmlType.Q4_0:
                InPlaceBlockKernel.Q4_0<TDot>(first, rowBytes, rows, columns, activations.BlockQuants(token), activations.BlockScales(token), y);
                break;
            case GgmlType.Q5_0:
                InPlaceBlockKernel.Q5_0<TDot>(first, rowBytes, rows, columns, activations.BlockQuants(token), activations.BlockScales(token), y);
                break;
            case GgmlType.Q4_K:
                InPlaceSuperBlockKernel.Q4_K<TDot>(first, rowBytes, rows, columns, activations.SuperQuants(token), activations.SuperScales(token), activations.SuperSums(token), y);
                break;
            case GgmlType.Q6_K:
                InPlaceSuperBlockKernel.Q6_K<TDot>(first, rowBytes, rows, columns, activations.SuperQuants(token), activations.SuperScales(token), activations.SuperSums(token), y);
                break;
            default:
                throw new NotSupportedException($"{type} rows have no in-place kernel.");
        }
    }

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
