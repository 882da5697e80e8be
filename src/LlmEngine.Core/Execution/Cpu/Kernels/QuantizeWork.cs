namespace LlmEngine.Execution.Cpu.Kernels;

/// <summary>Quantizes the input rows of a <see cref="MatMulJob"/> run, split by token over the pool.</summary>
internal sealed unsafe class QuantizeWork(QuantizedActivations activations) : IParallelWork
{
    /// <summary>Tokens per chunk: fewer are quantized on one thread, as a hand-off would cost more than the work.</summary>
    public const int MinTokens = 16;

    private ActivationFormat _format;
    private float* _x;
    private int _stride;
    private int _columns;

    /// <summary>Sets the input: rows of <paramref name="columns"/> floats, <paramref name="stride"/> apart, into <paramref name="format"/>.</summary>
    public void Set(ActivationFormat format, float* x, int stride, int columns)
    {
        _format = format;
        _x = x;
        _stride = stride;
        _columns = columns;
    }

    /// <inheritdoc />
    public void Execute(int start, int end, int worker)
    {
        for (var t = start; t < end; t++)
        {
            activations.Quantize(_format, t, _x + (long)t * _stride, _columns);
        }
    }
}
