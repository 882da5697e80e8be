using LlmEngine.Models;

namespace LlmEngine.Execution.Cpu.Kernels;

/// <summary>
/// Up to <see cref="MaxRows"/> weight rows unpacked into the integer kernels' layout, in one worker's scratch: decoded
/// once per step and then reused for every token of the step.
/// <list type="bullet">
/// <item><see cref="ActivationFormat.Blocks"/> types (Q8_0, Q4_0, Q5_0): signed int8 weights and one float scale per 32.</item>
/// <item><see cref="ActivationFormat.SuperBlocks"/> types (Q4_K, Q5_K, Q6_K): unsigned levels, per 32 elements a pattern
/// of 16 sub-block scales (one per pair of levels, as <c>VPMADDWD</c> consumes them), per 16 elements the coefficient of
/// that group's activation sum, and per 256 the two float scales: value·x summed = d·Σ scale·level·x − dmin·Σ coefficient·sum(x).</item>
/// </list>
/// </summary>
internal sealed unsafe class DecodedWeightTile
{
    /// <summary>Rows decoded and multiplied together (<see cref="MatMulJob.TileRows"/>).</summary>
    public const int MaxRows = 8;

    /// <summary>Bytes per 32-element block of the interleaved layout: eight 32-byte vectors, the corrections and the scales.</summary>
    public const int InterleavedBlockBytes = 8 * 32 + 32 + 32;

    private readonly int _maxColumns;

    /// <summary>Allocates scratch for <see cref="MaxRows"/> rows of up to <paramref name="maxColumns"/> elements.</summary>
    public DecodedWeightTile(NativeBuffer memory, int maxColumns)
    {
        _maxColumns = (maxColumns + 255) / 256 * 256;
        QuantStride = _maxColumns;
        Quants = (byte*)memory.Allocate((long)MaxRows * _maxColumns / sizeof(float));
        Patterns = (short*)memory.Allocate((long)MaxRows * _maxColumns / 2);
        Coefficients = (short*)memory.Allocate((long)MaxRows * _maxColumns / 16 / 2);
        Scales = memory.Allocate((long)MaxRows * (_maxColumns / 32));
        MinScales = memory.Allocate((long)MaxRows * (_maxColumns / 256));
        Interleaved = (byte*)memory.Allocate((long)_maxColumns / 32 * InterleavedBlockBytes / sizeof(float));
    }

    /// <summary>
    /// Blocks, after <see cref="Interleave"/>: per 32-element block, eight vectors whose lane j holds four consecutive
    /// weights of row j, then each row's correction (-128 times its weight sum, for activations offset to unsigned)
    /// and each row's scale.
    /// </summary>
    public byte* Interleaved { get; }

    /// <summary>Rows held.</summary>
    public int Rows { get; private set; }

    /// <summary>Elements per row.</summary>
    public int Columns { get; private set; }

    /// <summary>The format the rows were decoded for.</summary>
    public ActivationFormat Format { get; private set; }

    /// <summary>Bytes between rows of <see cref="Quants"/>.</summary>
    public int QuantStride { get; }

    /// <summary>Weights (signed for blocks, unsigned levels for super-blocks), row r at r * <see cref="QuantStride"/>.</summary>
    public byte* Quants { get; }

    /// <summary>Super-blocks: 16 shorts per 32 elements, row r at r * <see cref="QuantStride"/>.</summary>
    public short* Patterns { get; }

    /// <summary>Super-blocks: one short per 16 elements, row r at r * <see cref="QuantStride"/> / 16.</summary>
    public short* Coefficients { get; }

    /// <summary>Blocks: one scale per 32 (row r at r * <see cref="QuantStride"/> / 32); super-blocks: d per 256 (row r at r * <see cref="QuantStride"/> / 256).</summary>
    public float* Scales { get; }

    /// <summary>Super-blocks: dmin per 256, row r at r * <see cref="QuantStride"/> / 256.</summary>
    public float* MinScales { get; }

    /// <summary>Decodes <paramref name="rows"/> rows of <paramref name="type"/>, the first at <paramref name="first"/>, <paramref name="rowBytes"/> apart.</summary>
    public void Decode(GgmlType type, byte* first, int rowBytes, int rows, int columns)
    {
        Rows = rows;
        Columns = columns;
        Format = IntegerMatMul.FormatOf(type, columns);
        for (var r = 0; r < rows; r++)
        {
            var row = first + (long)r * rowBytes;
            var q = Quants + (long)r * QuantStride;
            switch (type)
            {
                case GgmlType.Q8_0:
                    WeightDecoder.Q8_0(row, columns, (sbyte*)q, Scales + r * (QuantStride / 32));
                    break;
                case GgmlType.Q4_0:
                    WeightDecoder.Q4_0(row, columns, (sbyte*)q, Scales + r * (QuantStride / 32));
                    break;
                case GgmlType.Q5_0:
                    WeightDecoder.Q5_0(row, columns, (sbyte*)q, Scales + r * (QuantStride / 32));
                    break;
                case GgmlType.Q4_K:
                    WeightDecoder.Q4_K(row, columns, q, Patterns + (long)r * QuantStride, Coefficients + r * (QuantStride / 16), Scales + r * (QuantStride / 256), MinScales + r * (QuantStride / 256));
                    break;
                case GgmlType.Q5_K:
                    WeightDecoder.Q5_K(row, columns, q, Patterns + (long)r * QuantStride, Coefficients + r * (QuantStride / 16), Scales + r * (QuantStride / 256), MinScales + r * (QuantStride / 256));
                    break;
                case GgmlType.Q6_K:
                    WeightDecoder.Q6_K(row, columns, q, Patterns + (long)r * QuantStride, Coefficients + r * (QuantStride / 16), Scales + r * (QuantStride / 256), MinScales + r * (QuantStride / 256));
                    break;
                default:
                    throw new NotSupportedException($"{type} rows have no integer kernel.");
            }
        }
    }

    /// <summary>
    /// Rearranges decoded block rows into <see cref="Interleaved"/> for <see cref="InterleavedBlockKernel"/>; rows past
    /// <see cref="Rows"/> are zero. Needs AVX-VNNI.
    /// </summary>
    public void Interleave()
    {
        for (var r = Rows; r < MaxRows; r++)
        {
            new Span<byte>(Quants + (long)r * QuantStride, Columns).Clear();
            new Span<float>(Scales + r * (QuantStride / 32), Columns / 32).Clear();
        }
        InterleavedLayout.Write(this);
    }
}
