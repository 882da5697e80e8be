using LlmEngine.Models;
using LlmEngine.Models.Quantization;

namespace LlmEngine.Benchmarks.Quantization;

/// <summary>Seeded N(0, 0.02)-like weights quantized to a type, as the benchmarks' inputs.</summary>
internal static class QuantizedWeights
{
    public static byte[] Create(GgmlType type, int rowLength, int rows, int seed)
    {
        var rng = new Random(seed);
        var values = new float[rowLength];
        var rowBytes = (int)GgmlTypeInfo.RowBytes(type, rowLength);
        var bytes = new byte[(long)rowBytes * rows];
        for (var r = 0; r < rows; r++)
        {
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = (float)((rng.NextDouble() + rng.NextDouble() + rng.NextDouble() - 1.5) * 0.04);
            }
            Quantizer.Quantize(type, values, bytes.AsSpan(r * rowBytes, rowBytes));
        }
        return bytes;
    }

    public static float[] Activations(int length, int seed)
    {
        var rng = new Random(seed);
        var x = new float[length];
        for (var i = 0; i < x.Length; i++)
        {
            x[i] = (float)(rng.NextDouble() * 2 - 1);
        }
        return x;
    }
}
