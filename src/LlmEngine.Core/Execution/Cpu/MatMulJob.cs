using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using LlmEngine.Execution.Cpu.Kernels;
using LlmEngine.Models;
using LlmEngine.Models.Architectures;
using LlmEngine.Models.Quantization;

namespace LlmEngine.Execution.Cpu;

/// <summary>
/// <c>Y[t] = W · X[t]</c> for every token of the step, for up to three weight matrices that share the input (Q/K/V, or
/// gate/up), in one parallel run over their output rows. Each worker takes a tile of rows, converts it to float once
/// (in place for F32, dequantized into its scratch otherwise) and then streams every token's activation past it, so
/// each weight row is read once per step whatever the batch size.
/// When built with a token capacity, weights that have an integer kernel (Q8_0, Q4_0, Q5_0, Q4_K, Q5_K, Q6_K) are
/// multiplied as llama.cpp does instead: the input rows are quantized to int8 once per run (<see cref="QuantizedActivations"/>),
/// each tile of rows is unpacked once (<see cref="DecodedWeightTile"/>) and integer dot products run against every token;
/// for one or two tokens (decode) Q8_0, Q4_0, Q4_K and Q6_K rows are read in place instead (<see cref="IntegerMatMul.MultiplyInPlace"/>).
/// </summary>
internal sealed unsafe class MatMulJob : IParallelWork
{
    /// <summary>Rows converted and kept hot together.</summary>
    public const int TileRows = 8;

    /// <summary>Tokens multiplied against a tile before their results are stored.</summary>
    private const int TokenBlock = 48;

    private const int MaxTargets = 3;

    private readonly float*[] _scratch;
    private readonly float*[] _results;
    private readonly DecodedWeightTile[] _tiles = [];
    private readonly QuantizedActivations? _activations;
    private readonly QuantizeWork? _quantize;
    private readonly Target[] _targets = new Target[MaxTargets];
    private int _targetCount;
    private int _totalRows;
    private float* _x;
    private int _xStride;
    private int _tokens;

    /// <summary>
    /// Creates the job with per-worker scratch for tiles of rows up to <paramref name="maxColumns"/> long. With
    /// <paramref name="maxTokens"/> above zero, quantized weights run through the integer kernels for runs of up to that
    /// many tokens (int8 activations, as llama.cpp); with zero every product is float32.
    /// </summary>
    public MatMulJob(NativeBuffer memory, int workers, int maxColumns, int maxTokens = 0)
    {
        _scratch = new float*[workers];
        _results = new float*[workers];
        var resultTokens = Math.Max(TokenBlock, maxTokens);
        for (var i = 0; i < workers; i++)
        {
            _scratch[i] = memory.Allocate((long)TileRows * maxColumns);
            _results[i] = memory.Allocate((long)TileRows * resultTokens);
        }
        if (maxTokens > 0)
        {
            _activations = new QuantizedActivations(memory, maxTokens, maxColumns);
            _quantize = new QuantizeWork(_activations);
            _tiles = new DecodedWeightTile[workers];
            for (var i = 0; i < workers; i++)
            {
                _tiles[i] = new DecodedWeightTile(memory, maxColumns);
            }
        }
    }

    /// <summary>The instruction set of the integer kernels (the best this CPU has unless a test or benchmark picks another).</summary>
    public IntegerKernelPath KernelPath { get; set; } = IntegerKernelPaths.Best;

    /// <summary>
    /// Token counts up to which rows with an in-place kernel are read where they lie rather than decoded into a tile
    /// (<see cref="IntegerMatMul.InPlaceMaxTokens"/> unless a test or benchmark picks another; 0 always decodes).
    /// </summary>
    public int InPlaceMaxTokens { get; set; } = IntegerMatMul.InPlaceMaxTokens;

    /// <summary>Starts a product over <paramref name="tokens"/> input rows of <paramref name="x"/>, <paramref name="xStride"/> floats apart.</summary>
    public void Begin(float* x, int xStride, int tokens)
    {
        _x = x;
        _xStride = xStride;
        _tokens = tokens;
        _targetCount = 0;
        _totalRows = 0;
        _activations?.Reset();
    }

    /// <summary>
    /// Adds a weight matrix whose outputs go to <paramref name="y"/> (<paramref name="yStride"/> floats per token), plus
    /// <paramref name="bias"/> if given; with <paramref name="accumulate"/> the products are added to <paramref name="y"/> (residual).
    /// </summary>
    public void Add(WeightMatrix weights, float* y, int yStride, float[]? bias = null, bool accumulate = false)
    {
        var format = ActivationFormat.None;
        if (_activations is not null && _tokens <= _activations.MaxTokens && weights.Columns <= _activations.MaxColumns)
        {
            format = IntegerMatMul.FormatOf(weights.Type, weights.Columns);
        }
        _targets[_targetCount++] = new Target(weights, y, yStride, bias, accumulate, _totalRows, format);
        _totalRows += weights.Rows;
    }

    /// <summary>Runs the product on <paramref name="pool"/>: quantizes the input for the integer kernels if any target needs it, then the rows.</summary>
    public void Run(CpuWorkerPool pool)
    {
        for (var i = 0; i < _targetCount; i++)
        {
            var format = _targets[i].Format;
            if (format != ActivationFormat.None && !_activations!.Has(format))
            {
                _quantize!.Set(format, _x, _xStride, _targets[i].Weights.Columns);
                pool.Run(_quantize, _tokens, QuantizeWork.MinTokens);
                _activations.MarkQuantized(format);
            }
        }
        pool.Run(this, _totalRows, TileRows);
    }

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
                Tile(target, row, Math.Min(TileRows, hi - row), worker);
            }
        }
    }

    private void Tile(in Target target, int firstRow, int rows, int worker)
    {
        var w = target.Weights;
        var columns = w.Columns;
        var results = _results[worker];
        if (target.Format != ActivationFormat.None)
        {
            IntegerTile(target, firstRow, rows, worker);
            return;
        }
        float* weights;
        if (w.Type == GgmlType.F32)
        {
            weights = w.F32RowPointer(firstRow);
        }
        else if (_tokens == 1)
        {
            // Decode: one pass over the quantized row beats dequantizing it for a single use.
            var x = new ReadOnlySpan<float>(_x, columns);
            for (var r = 0; r < rows; r++)
            {
                results[r] = QuantizedMatMul.Dot(w.Type, w.RowData(firstRow + r), x);
            }
            Store(target, firstRow, rows, 0, 1, results);
            return;
        }
        else
        {
            weights = _scratch[worker];
            for (var r = 0; r < rows; r++)
            {
                w.ReadRow(firstRow + r, new Span<float>(weights + (long)r * columns, columns));
            }
        }
        for (var t0 = 0; t0 < _tokens; t0 += TokenBlock)
        {
            var tokens = Math.Min(TokenBlock, _tokens - t0);
            DotKernels.Block(weights, columns, rows, _x + (long)t0 * _xStride, _xStride, tokens, columns, results, 1, TileRows);
            Store(target, firstRow, rows, t0, tokens, results);
        }
    }

    private void IntegerTile(in Target target, int firstRow, int rows, int worker)
    {
        var w = target.Weights;
        var tile = _tiles[worker];
        var results = _results[worker];
        var row = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(w.RowData(firstRow)));
        if (_tokens <= InPlaceMaxTokens && IntegerMatMul.HasInPlaceKernel(KernelPath, w.Type))
        {
            // Decode: each row is used once (or a few times), so it is read where it lies instead of being unpacked into the tile first.
            for (var t = 0; t < _tokens; t++)
            {
                IntegerMatMul.MultiplyInPlace(KernelPath, w.Type, row, w.RowBytes, rows, w.Columns, _activations!, t, results + t * TileRows);
            }
            Store(target, firstRow, rows, 0, _tokens, results);
            return;
        }
        tile.Decode(w.Type, row, w.RowBytes, rows, w.Columns);
        IntegerMatMul.Multiply(KernelPath, tile, _activations!, 0, _tokens, results, TileRows);
        Store(target, firstRow, rows, 0, _tokens, results);
    }

    private static void Store(in Target target, int firstRow, int rows, int firstToken, int tokens, float* results)
    {
        var bias = target.Bias;
        for (var t = 0; t < tokens; t++)
        {
            var y = target.Y + (long)(firstToken + t) * target.YStride + firstRow;
            var result = results + t * TileRows;
            for (var r = 0; r < rows; r++)
            {
                var value = bias is null ? result[r] : result[r] + bias[firstRow + r];
                y[r] = target.Accumulate ? y[r] + value : value;
            }
        }
    }

    private readonly struct Target(WeightMatrix weights, float* y, int yStride, float[]? bias, bool accumulate, int firstRow, ActivationFormat format)
    {
        public ActivationFormat Format { get; } = format;

        public WeightMatrix Weights { get; } = weights;

        public float* Y { get; } = y;

        public int YStride { get; } = yStride;

        public float[]? Bias { get; } = bias;

        public bool Accumulate { get; } = accumulate;

        public int FirstRow { get; } = firstRow;
    }
}
