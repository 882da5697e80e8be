using System.Text;
using LlmEngine.Models;
using LlmEngine.Models.Gguf;

namespace LlmEngine.Tests.Robustness;

/// <summary>Builds small GGUF v3 files byte by byte, so tests can state exactly which field is corrupt.</summary>
internal sealed class GgufBytes
{
    private readonly List<Action<BinaryWriter>> _metadata = [];
    private readonly List<(string Name, ulong[] Dims, GgmlType Type, ulong Offset)> _tensors = [];

    public int DataBytes { get; set; } = 64;

    public GgufBytes String(string key, byte[] utf8)
    {
        _metadata.Add(w =>
        {
            WriteString(w, Encoding.UTF8.GetBytes(key));
            w.Write((uint)GgufValueType.String);
            WriteString(w, utf8);
        });
        return this;
    }

    public GgufBytes UInt32(string key, uint value)
    {
        _metadata.Add(w =>
        {
            WriteString(w, Encoding.UTF8.GetBytes(key));
            w.Write((uint)GgufValueType.UInt32);
            w.Write(value);
        });
        return this;
    }

    /// <summary>A metadata entry whose raw value bytes (after the key) are given as they are.</summary>
    public GgufBytes Raw(string key, GgufValueType type, byte[] value)
    {
        _metadata.Add(w =>
        {
            WriteString(w, Encoding.UTF8.GetBytes(key));
            w.Write((uint)type);
            w.Write(value);
        });
        return this;
    }

    public GgufBytes Tensor(string name, GgmlType type, ulong offset, params ulong[] dims)
    {
        _tensors.Add((name, dims, type, offset));
        return this;
    }

    public byte[] Build()
    {
        using var stream = new MemoryStream();
        using var w = new BinaryWriter(stream);
        w.Write(GgufFile.Magic);
        w.Write(3u);
        w.Write((ulong)_tensors.Count);
        w.Write((ulong)_metadata.Count);
        foreach (var entry in _metadata)
        {
            entry(w);
        }
        foreach (var (name, dims, type, offset) in _tensors)
        {
            WriteString(w, Encoding.UTF8.GetBytes(name));
            w.Write((uint)dims.Length);
            foreach (var d in dims)
            {
                w.Write(d);
            }
            w.Write((uint)type);
            w.Write(offset);
        }
        while (stream.Length % 32 != 0)
        {
            w.Write((byte)0);
        }
        w.Write(new byte[DataBytes]);
        w.Flush();
        return stream.ToArray();
    }

    private static void WriteString(BinaryWriter w, byte[] utf8)
    {
        w.Write((ulong)utf8.Length);
        w.Write(utf8);
    }
}
