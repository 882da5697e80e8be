using System.Numerics.Tensors;

namespace LlmEngine.Execution.Cpu;

/// <summary>SwiGLU of each token's feed-forward row in place: <c>gate = silu(gate) * up</c>.</summary>
internal sealed unsafe class SwiGluJob : IParallelWork
{
    private float* _gate;
    private float* _up;
    private int _width;

    /// <summary>Runs over <paramref name="rows"/> token rows of <paramref name="width"/> on <paramref name="pool"/>.</summary>
    public void Run(CpuWorkerPool pool, float* gate, float* up, int width, int rows)
    {
        _gate = gate;
        _up = up;
        _width = width;
        pool.Run(this, rows, Math.Max(1, 8192 / width));
    }

    /// <inheritdoc />
    public void Execute(int start, int end, int worker)
    {
        // Whole rows at once: silu(g) * u = sigmoid(g) * (g * u), three vectorized passes with no scratch.
        var gate = new Span<float>(_gate + (long)start * _width, (end - start) * _width);
        var up = new Span<float>(_up + (long)start * _width, (end - start) * _width);
        TensorPrimitives.Multiply(gate, up, up);
        TensorPrimitives.Sigmoid(gate, gate);
        TensorPrimitives.Multiply(gate, up, gate);
    }
}
