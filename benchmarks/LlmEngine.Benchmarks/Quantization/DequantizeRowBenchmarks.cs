using BenchmarkDotNet.Attributes;
using LlmEngine.Models;
using LlmEngine.Models.Quantization;

namespace LlmEngine.Benchmarks.Quantization;

/// <summary>Dequantizing one 4096-element weight row into a float buffer, per type (the forward pass's scratch-row path).</summary>
[MemoryDiagnoser]
public class DequantizeRowBenchmarks
{
    private const int RowLength = 4096;
    private byte[] _row = [];
    private float[] _destination = [];

    /// <summary>The weight type.</summary>
    [Params(GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q4_1, GgmlType.Q5_0, GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K)]
    public GgmlType Type { get; set; }

    /// <summary>Quantizes one random row.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _row = QuantizedWeights.Create(Type, RowLength, 1, 1);
        _destination = new float[RowLength];
    }

    /// <summary>One row.</summary>
    [Benchmark]
    public void DequantizeRow() => Dequantizer.Dequantize(Type, _row, _destination);
}
