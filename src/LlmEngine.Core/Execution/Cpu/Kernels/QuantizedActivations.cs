namespace LlmEngine.Execution.Cpu.Kernels;

/// <summary>
/// The int8 copies of one step's activation rows, in both formats, allocated once for the largest step so that a step
/// allocates nothing. Row <c>t</c> of a format holds token <c>t</c>; a format is valid for the input it was last
/// quantized from until the next <see cref="Reset"/>.
/// </summary>
internal sealed unsafe class QuantizedActivations
{
    private readonly long _rowBytes;
    private readonly sbyte* _blockQuants;
    private readonly byte* _blockUnsigned;
    private readonly float* _blockScales;
    private readonly sbyte* _superQuants;
    private readonly float* _superScales;
    private readonly short* _superSums;

    /// <summary>Allocates room for <paramref name="maxTokens"/> rows of up to <paramref name="maxColumns"/> elements from <paramref name="memory"/>.</summary>
    public QuantizedActivations(NativeBuffer memory, int maxTokens, int maxColumns)
    {
        MaxTokens = maxTokens;
        MaxColumns = maxColumns;
        // Rows start on a cache line, so the kernels' 32-byte loads never split one.
        _rowBytes = (maxColumns + 63) / 64 * 64;
        _blockQuants = (sbyte*)memory.Allocate(maxTokens * _rowBytes / sizeof(float));
        _blockUnsigned = (byte*)memory.Allocate(maxTokens * _rowBytes / sizeof(float));
        _blockScales = memory.Allocate((long)maxTokens * (maxColumns / ActivationQuantizer.Block + 1));
        _superQuants = (sbyte*)memory.Allocate(maxTokens * _rowBytes / sizeof(float));
        _superScales = memory.Allocate((long)maxTokens * (maxColumns / ActivationQuantizer.SuperBlock + 1));
        _superSums = (short*)memory.Allocate((long)maxTokens * (maxColumns / 16 + 2) / 2);
    }

    /// <summary>Most rows held.</summary>
    public int MaxTokens { get; }

    /// <summary>Longest row held.</summary>
    public int MaxColumns { get; }

    /// <summary>Whether the <see cref="ActivationFormat.Blocks"/> rows are valid for the current input.</summary>
    public bool HasBlocks { get; private set; }

    /// <summary>Whether the <see cref="ActivationFormat.SuperBlocks"/> rows are valid for the current input.</summary>
    public bool HasSuperBlocks { get; private set; }

    /// <summary>Forgets both formats (the input changed).</summary>
    public void Reset()
    {
        HasBlocks = false;
        HasSuperBlocks = false;
    }

    /// <summary>Marks <paramref name="format"/> as quantized for the current input.</summary>
    public void MarkQuantized(ActivationFormat format)
    {
        if (format == ActivationFormat.Blocks)
        {
            HasBlocks = true;
        }
        else if (format == ActivationFormat.SuperBlocks)
        {
            HasSuperBlocks = true;
        }
    }

    /// <summary>Whether <paramref name="format"/> is valid for the current input.</summary>
    public bool Has(ActivationFormat format) => format switch
    {
        ActivationFormat.Blocks => HasBlocks,
        ActivationFormat.SuperBlocks => HasSuperBlocks,
        _ => true,
    };

    /// <summary>Quantizes row <paramref name="token"/> (<paramref name="columns"/> floats at <paramref name="x"/>) into <paramref name="format"/>.</summary>
    public void Quantize(ActivationFormat format, int token, float* x, int columns)
    {
        if (format == ActivationFormat.Blocks)
        {
            ActivationQuantizer.Blocks(x, columns, BlockQuants(token), BlockScales(token));
            ActivationQuantizer.ToUnsigned(BlockQuants(token), BlockUnsigned(token), columns);
        }
        else
        {
            ActivationQuantizer.SuperBlocks(x, columns, SuperQuants(token), SuperScales(token), SuperSums(token));
        }
    }

    /// <summary>Quants of row <paramref name="token"/> in the block format.</summary>
    public sbyte* BlockQuants(int token) => _blockQuants + token * _rowBytes;

    /// <summary>Quants of row <paramref name="token"/> in the block format plus 128, as unsigned bytes (for <see cref="InterleavedBlockKernel"/>).</summary>
    public byte* BlockUnsigned(int token) => _blockUnsigned + token * _rowBytes;

    /// <summary>Scales of row <paramref name="token"/> in the block format, one per 32.</summary>
    public float* BlockScales(int token) => _blockScales + (long)token * (MaxColumns / ActivationQuantizer.Block + 1);

    /// <summary>Quants of row <paramref name="token"/> in the super-block format.</summary>
    public sbyte* SuperQuants(int token) => _superQuants + token * _rowBytes;

    /// <summary>Scales of row <paramref name="token"/> in the super-block format, one per 256.</summary>
    public float* SuperScales(int token) => _superScales + (long)token * (MaxColumns / ActivationQuantizer.SuperBlock + 1);

    /// <summary>Sums of every 16 quants of row <paramref name="token"/> in the super-block format.</summary>
    public short* SuperSums(int token) => _superSums + (long)token * (MaxColumns / 16 + 2);
}
