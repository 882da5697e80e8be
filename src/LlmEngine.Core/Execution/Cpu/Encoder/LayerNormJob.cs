namespace LlmEngine.Execution.Cpu.Encoder;

/// <summary>LayerNorm of token rows in place, in parallel.</summary>
internal sealed unsafe class LayerNormJob : IParallelWork
{
    private float* _x;
    private int _width;
    private float[] _weight = [];
    private float[] _bias = [];
    private float _epsilon;

    /// <summary>Normalizes the first <paramref name="rows"/> rows of <paramref name="x"/> (<paramref name="width"/> floats each) on <paramref name="pool"/>.</summary>
    public void Run(CpuWorkerPool pool, float* x, int width, int rows, float[] weight, float[] bias, float epsilon)
    {
        _x = x;
        _width = width;
        _weight = weight;
        _bias = bias;
        _epsilon = epsilon;
        pool.Run(this, rows, Math.Max(1, 8192 / width));
    }

    /// <inheritdoc />
    public void Execute(int start, int end, int worker)
    {
        for (var t = start; t < end; t++)
        {
            var row = new Span<float>(_x + (long)t * _width, _width);
            LayerNorm.Apply(row, _weight, _bias, row, _epsilon);
        }
    }
}
