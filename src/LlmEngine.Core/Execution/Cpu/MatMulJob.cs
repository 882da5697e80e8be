using System.Numerics.Tensors;
using LlmEngine.Models;
using LlmEngine.Models.Architectures;

namespace LlmEngine.Execution.Cpu;

/// <summary>
/// <c>Y[t] = W · X[t]</c> for every token of the step, for up to three weight matrices that share the input (Q/K/V, or
/// gate/up), in one parallel run over their output rows. Each worker takes a tile of rows, converts it to float once
/// (in place for F32, dequantized into its scratch otherwise) and then streams every token's activation past it, so
/// each weight row is read once per step whatever the batch size.
/// </summary>
internal sealed unsafe class MatMulJob : IParallelWork
{
    /// <summary>Rows converted and kept hot together.</summary>
    public const int TileRows = 8;

    private const int MaxTargets = 3;

    private readonly float*[] _scratch;
    private readonly Target[] _targets = new Target[MaxTargets];
    private int _targetCount;
    private int _totalRows;
    private float* _x;
    private int _xStride;
    private int _tokens;

    /// <summary>Creates the job with per-worker scratch for tiles of rows up to <paramref name="maxColumns"/> long.</summary>
    public MatMulJob(NativeBuffer memory, int workers, int maxColumns)
    {
        _scratch = new float*[workers];
        for (var i = 0; i < workers; i++)
        {
            _scratch[i] = memory.Allocate((long)TileRows * maxColumns);
        }
    }

    /// <summary>Starts a product over <paramref name="tokens"/> input rows of <paramref name="x"/>, <paramref name="xStride"/> floats apart.</summary>
    public void Begin(float* x, int xStride, int tokens)
    {
        _x = x;
        _xStride = xStride;
        _tokens = tokens;
        _targetCount = 0;
        _totalRows = 0;
    }

    /// <summary>
    /// Adds a weight matrix whose outputs go to <paramref name="y"/> (<paramref name="yStride"/> floats per token), plus
    /// <paramref name="bias"/> if given; with <paramref name="accumulate"/> the products are added to <paramref name="y"/> (residual).
    /// </summary>
    public void Add(WeightMatrix weights, float* y, int yStride, float[]? bias = null, bool accumulate = false)
    {
        _targets[_targetCount++] = new Target(weights, y, yStride, bias, accumulate, _totalRows);
        _totalRows += weights.Rows;
    }

    /// <summary>Runs the product on <paramref name="pool"/>.</summary>
    public void Run(CpuWorkerPool pool) => pool.Run(this, _totalRows, TileRows);

    /// <inheritdoc />
    public void Execute(int start, int end, int worker)
    {
        for (var i = 0; i < _targetCount; i++)
        {
            var target = _targets[i];
            var lo = Math.Max(start, target.FirstRow) - target.FirstRow;
            var hi = Math.Min(end, target.FirstRow + target.Weights.Rows) - target.FirstRow;
            for (var row = lo; row < hi; row += TileRows)
            {
                Tile(target, row, Math.Min(TileRows, hi - row), _scratch[worker]);
            }
        }
    }

    private void Tile(in Target target, int firstRow, int rows, float* scratch)
    {
        var w = target.Weights;
        var columns = w.Columns;
        var inPlace = w.Type == GgmlType.F32;
        if (!inPlace)
        {
            for (var r = 0; r < rows; r++)
            {
                w.ReadRow(firstRow + r, new Span<float>(scratch + (long)r * columns, columns));
            }
        }
        for (var t = 0; t < _tokens; t++)
        {
            var x = new ReadOnlySpan<float>(_x + (long)t * _xStride, columns);
            var y = target.Y + (long)t * target.YStride + firstRow;
            for (var r = 0; r < rows; r++)
            {
                var weights = inPlace ? w.F32Row(firstRow + r) : new ReadOnlySpan<float>(scratch + (long)r * columns, columns);
                var sum = TensorPrimitives.Dot(weights, x);
                if (target.Bias is { } bias)
                {
                    sum += bias[firstRow + r];
                }
                y[r] = target.Accumulate ? y[r] + sum : sum;
            }
        }
    }

    private readonly struct Target(WeightMatrix weights, float* y, int yStride, float[]? bias, bool accumulate, int firstRow)
    {
        public WeightMatrix Weights { get; } = weights;

        public float* Y { get; } = y;

        public int YStride { get; } = yStride;

        public float[]? Bias { get; } = bias;

        public bool Accumulate { get; } = accumulate;

        public int FirstRow { get; } = firstRow;
    }
}
