using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using LlmEngine.Benchmarks.Quantization;
using LlmEngine.Execution.Cpu;
using LlmEngine.Execution.Cpu.Kernels;
using LlmEngine.Models;
using LlmEngine.Models.Architectures;

namespace LlmEngine.Benchmarks.Execution;

/// <summary>
/// The executor's matrix product (<see cref="MatMulJob"/>) on one thread at Qwen2.5-0.5B's shapes (rows × columns:
/// 896×896 attention, 4864×896 gate/up, 896×4864 down, 102400×896 the synthetic vocabulary's output head) for Q8_0 and
/// Q4_0, and for the k-quants (whose rows need a multiple of 256 columns) Qwen2.5's down projection and
/// Llama-3.2-1B's gate/up (8192×2048), for one token (decode: matrix-vector), 2, 4 and 8 (batched decode) and 64 tokens (prompt: matrix-matrix). <c>Float</c> is the float32 path
/// (fused dequantize-dot for one token, dequantized tiles and FMA for many); <c>Int8</c> quantizes the activations and
/// runs the integer kernels, as llama.cpp does (<c>Int8Tile</c> without the in-place single-token kernels).
/// </summary>
[MemoryDiagnoser]
public unsafe class MatMulBenchmarks
{
    private const int DistinctRows = 256;

    private CpuWorkerPool _pool = null!;
    private NativeBuffer _memory = null!;
    private MatMulJob _job = null!;
    private WeightMatrix _weights = null!;
    private nint _data;
    private float* _x;
    private float* _y;
    private int _rows;
    private int _columns;

    /// <summary>The weight type and rows × columns of the weight matrix.</summary>
    [Params("Q8_0 896x896", "Q8_0 4864x896", "Q8_0 896x4864", "Q8_0 102400x896",
        "Q4_0 896x896", "Q4_0 4864x896", "Q4_0 896x4864", "Q4_0 102400x896",
        "Q4_K 896x4864", "Q4_K 8192x2048", "Q6_K 896x4864", "Q6_K 8192x2048")]
    public string Case { get; set; } = "Q8_0 896x896";

    /// <summary>Tokens multiplied at once.</summary>
    [Params(1, 2, 4, 8, 64)]
    public int Tokens { get; set; }

    /// <summary>
    /// Float32 activations, or int8 activations with the integer kernels: <c>Int8</c> as the executor runs them (rows
    /// read in place for up to two tokens, decoded into tiles for more), <c>Int8Tile</c> always decoded into tiles,
    /// <c>Int8InPlace</c> always read in place (where the type has an in-place kernel).
    /// </summary>
    [Params("Float", "Int8", "Int8Tile", "Int8InPlace")]
    public string Kernel { get; set; } = "Float";

    /// <summary>Builds the matrix from 256 distinct quantized rows repeated (quantizing 90M values per case would dominate set-up).</summary>
    [GlobalSetup]
    public void Setup()
    {
        var type = Enum.Parse<GgmlType>(Case.Split(' ')[0]);
        var parts = Case.Split(' ')[1].Split('x');
        _rows = int.Parse(parts[0]);
        _columns = int.Parse(parts[1]);
        var distinct = QuantizedWeights.Create(type, _columns, DistinctRows, 2);
        var rowBytes = (int)GgmlTypeInfo.RowBytes(type, _columns);
        var bytes = (long)rowBytes * _rows;
        _data = (nint)NativeMemory.AlignedAlloc((nuint)bytes, 64);
        for (var r = 0; r < _rows; r++)
        {
            distinct.AsSpan(r % DistinctRows * rowBytes, rowBytes).CopyTo(new Span<byte>((byte*)_data + (long)r * rowBytes, rowBytes));
        }
        var tensor = new TensorView("w", type, [_columns, _rows], _data, bytes);
        _weights = new WeightMatrix(tensor, 0, _rows);
        _pool = new CpuWorkerPool(1);
        _memory = new NativeBuffer();
        _job = new MatMulJob(_memory, 1, _columns, Kernel == "Float" ? 0 : Tokens)
        {
            InPlaceMaxTokens = Kernel switch
            {
                "Int8Tile" => 0,
                "Int8InPlace" => int.MaxValue,
                _ => IntegerMatMul.InPlaceMaxTokens,
            },
        };
        _x = _memory.Allocate((long)Tokens * _columns);
        _y = _memory.Allocate((long)Tokens * _rows);
        var x = QuantizedWeights.Activations(Tokens * _columns, 3);
        x.AsSpan().CopyTo(new Span<float>(_x, x.Length));
    }

    /// <summary>Frees the matrix and the buffers.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _pool.Dispose();
        _memory.Dispose();
        NativeMemory.AlignedFree((void*)_data);
    }

    /// <summary>Y = W · X for every token.</summary>
    [Benchmark]
    public void MatMul()
    {
        _job.Begin(_x, _columns, Tokens);
        _job.Add(_weights, _y, _rows);
        _job.Run(_pool);
    }
}
