using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using LlmEngine.Models;
using LlmEngine.Models.Quantization;

namespace LlmEngine.Benchmarks.Quantization;

/// <summary>
/// A 2048x2048 weight matrix times a vector on one thread, per type: <see cref="QuantizedMatMul.MatVec(GgmlType, nint, long, ReadOnlySpan{float}, Span{float}, int, int)"/>
/// against the baseline of dequantizing each row into a scratch buffer and calling TensorPrimitives.Dot.
/// </summary>
[MemoryDiagnoser]
public class MatVecBenchmarks
{
    private const int Size = 2048;
    private byte[] _weights = [];
    private GCHandle _pin;
    private float[] _x = [];
    private float[] _y = [];
    private float[] _scratch = [];

    /// <summary>The weight type.</summary>
    [Params(GgmlType.F16, GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K)]
    public GgmlType Type { get; set; }

    /// <summary>Quantizes the matrix and pins it, as mapped weights are.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _weights = QuantizedWeights.Create(Type, Size, Size, 2);
        _pin = GCHandle.Alloc(_weights, GCHandleType.Pinned);
        _x = QuantizedWeights.Activations(Size, 3);
        _y = new float[Size];
        _scratch = new float[Size];
    }

    /// <summary>Unpins the matrix.</summary>
    [GlobalCleanup]
    public void Cleanup() => _pin.Free();

    /// <summary>Fused (or chunked) quantized dot products.</summary>
    [Benchmark]
    public void MatVec() => QuantizedMatMul.MatVec(Type, _pin.AddrOfPinnedObject(), GgmlTypeInfo.RowBytes(Type, Size), _x, _y, 0, Size);

    /// <summary>Dequantize each row, then TensorPrimitives.Dot.</summary>
    [Benchmark(Baseline = true)]
    public void DequantizeThenDot()
    {
        var rowBytes = (int)GgmlTypeInfo.RowBytes(Type, Size);
        for (var r = 0; r < Size; r++)
        {
            Dequantizer.Dequantize(Type, _weights.AsSpan(r * rowBytes, rowBytes), _scratch);
            _y[r] = TensorPrimitives.Dot(_scratch, _x);
        }
    }
}
