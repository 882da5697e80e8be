using System.Runtime.InteropServices;
using System.Text.Json;
using LlmEngine.Models.Gguf;
using LlmEngine.Tests.Infrastructure;

namespace LlmEngine.Tests.Quantization;

/// <summary>
/// The shared quant-zoo reference: one 512x4 tensor per ggml type with ggml's exact dequantized floats
/// (see shared/models/quant/README.md).
/// </summary>
internal sealed class QuantZoo : IDisposable
{
    private readonly float[] _expected;
    private readonly Dictionary<string, (int Offset, int Count)> _index;

    private QuantZoo(GgufFile file, float[] expected, Dictionary<string, (int, int)> index)
    {
        File = file;
        _expected = expected;
        _index = index;
    }

    public GgufFile File { get; }

    /// <summary>Opens the zoo; Ignores the calling test when the shared data is absent.</summary>
    public static QuantZoo Open()
    {
        var gguf = TestData.File("quant/quant-zoo.gguf");
        var bin = TestData.File("quant/quant-zoo.expected.bin");
        var json = TestData.File("quant/quant-zoo.expected.json");
        var expected = MemoryMarshal.Cast<byte, float>(System.IO.File.ReadAllBytes(bin)).ToArray();
        var index = new Dictionary<string, (int, int)>(StringComparer.Ordinal);
        using (var doc = JsonDocument.Parse(System.IO.File.ReadAllText(json)))
        {
            foreach (var t in doc.RootElement.GetProperty("tensors").EnumerateArray())
            {
                index[t.GetProperty("name").GetString()!] = (t.GetProperty("offset").GetInt32(), t.GetProperty("count").GetInt32());
            }
        }
        return new QuantZoo(GgufFile.Open(gguf), expected, index);
    }

    /// <summary>ggml's to_float output for tensor <paramref name="name"/>.</summary>
    public ReadOnlySpan<float> Expected(string name)
    {
        var (offset, count) = _index[name];
        return _expected.AsSpan(offset / sizeof(float), count);
    }

    /// <summary>The exact source floats every quantized tensor was made from.</summary>
    public ReadOnlySpan<float> Source => Expected("source");

    public void Dispose() => File.Dispose();
}
