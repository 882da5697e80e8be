namespace LlmEngine.Execution.Cpu;

/// <summary>RMSNorm of token rows in parallel, optionally gathering the rows to normalize (the final norm only needs logits rows).</summary>
internal sealed unsafe class RmsNormJob : IParallelWork
{
    private float* _x;
    private float* _y;
    private int _width;
    private float[] _weight = [];
    private float _epsilon;
    private int[]? _sourceRows;

    /// <summary>Sets the next run: row <c>i</c> of <paramref name="y"/> is the norm of row <c>sourceRows[i]</c> (or <c>i</c>) of <paramref name="x"/>.</summary>
    public void Set(float* x, float* y, int width, float[] weight, float epsilon, int[]? sourceRows = null)
    {
        _x = x;
        _y = y;
        _width = width;
        _weight = weight;
        _epsilon = epsilon;
        _sourceRows = sourceRows;
    }

    /// <summary>Normalizes <paramref name="rows"/> rows on <paramref name="pool"/>.</summary>
    public void Run(CpuWorkerPool pool, int rows) => pool.Run(this, rows, Math.Max(1, 8192 / _width));

    /// <inheritdoc />
    public void Execute(int start, int end, int worker)
    {
        for (var i = start; i < end; i++)
        {
            var source = _sourceRows is null ? i : _sourceRows[i];
            RmsNorm.Apply(new ReadOnlySpan<float>(_x + (long)source * _width, _width), _weight,
                new Span<float>(_y + (long)i * _width, _width), _epsilon);
        }
    }
}
