namespace LlmEngine.Execution.Cpu.Encoder;

/// <summary>GELU of each token's feed-forward row in place, in parallel.</summary>
internal sealed unsafe class GeluJob : IParallelWork
{
    private float* _x;
    private int _width;

    /// <summary>Runs over <paramref name="rows"/> rows of <paramref name="width"/> floats on <paramref name="pool"/>.</summary>
    public void Run(CpuWorkerPool pool, float* x, int width, int rows)
    {
        _x = x;
        _width = width;
        pool.Run(this, rows, Math.Max(1, 8192 / width));
    }

    /// <inheritdoc />
    public void Execute(int start, int end, int worker) =>
        Gelu.Apply(new Span<float>(_x + (long)start * _width, (end - start) * _width));
}
