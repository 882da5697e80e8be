using System.Buffers.Binary;
using System.Text;

namespace LlmEngine.Models.Gguf;

/// <summary>
/// A bounds-checked little-endian cursor over the mapped bytes of a GGUF header. Every read checks the remaining length
/// first, and every count is checked against what the rest of the file could possibly hold before anything is
/// allocated, so a corrupt file fails with a <see cref="ModelLoadException"/> instead of a crash or a huge allocation.
/// </summary>
internal unsafe ref struct GgufReader
{
    private readonly byte* _start;
    private readonly long _length;
    private readonly string _path;
    private long _position;

    public GgufReader(byte* start, long length, string path)
    {
        _start = start;
        _length = length;
        _path = path;
        _position = 0;
    }

    /// <summary>
    /// The largest single string or array payload read from the header. Real values (vocabularies, merges, chat
    /// templates) are a few megabytes; the bound keeps a corrupt length in a multi-gigabyte file from becoming a
    /// gigabyte allocation or overflowing a span length.
    /// </summary>
    public const long MaxValueBytes = 256L << 20;

    public readonly long Position => _position;

    public readonly long Remaining => _length - _position;

    public ModelLoadException Error(string problem) => new(_path, $"{problem} (at byte {_position})");

    private ReadOnlySpan<byte> Take(long count, string what)
    {
        if (count < 0 || count > Remaining)
        {
            throw Error($"file is truncated: {what} needs {count} bytes but only {Remaining} remain");
        }
        if (count > MaxValueBytes)
        {
            throw Error($"{what} is {count} bytes, more than the {MaxValueBytes}-byte limit for one metadata value");
        }
        var span = new ReadOnlySpan<byte>(_start + _position, (int)count);
        _position += count;
        return span;
    }

    public byte ReadByte(string what) => Take(1, what)[0];

    public ushort ReadUInt16(string what) => BinaryPrimitives.ReadUInt16LittleEndian(Take(2, what));

    public uint ReadUInt32(string what) => BinaryPrimitives.ReadUInt32LittleEndian(Take(4, what));

    public ulong ReadUInt64(string what) => BinaryPrimitives.ReadUInt64LittleEndian(Take(8, what));

    public float ReadSingle(string what) => BinaryPrimitives.ReadSingleLittleEndian(Take(4, what));

    public double ReadDouble(string what) => BinaryPrimitives.ReadDoubleLittleEndian(Take(8, what));

    /// <summary>Reads a count and checks that <paramref name="minBytesEach"/> bytes per item could still follow.</summary>
    public int ReadCount(string what, long minBytesEach)
    {
        var count = ReadUInt64(what + " count");
        if (count > (ulong)Remaining / (ulong)Math.Max(1, minBytesEach) || count > int.MaxValue)
        {
            throw Error($"{what} count {count} is larger than the rest of the file could hold");
        }
        // Each item becomes at least a reference or a value in memory: bound the array the count would allocate.
        if (count > (ulong)(MaxValueBytes / Math.Max(1, minBytesEach)))
        {
            throw Error($"{what} count {count} is over the limit of {MaxValueBytes / Math.Max(1, minBytesEach)} items");
        }
        return (int)count;
    }

    public string ReadString(string what)
    {
        var length = ReadUInt64(what + " length");
        if (length > (ulong)Remaining)
        {
            throw Error($"file is truncated: {what} of {length} bytes but only {Remaining} remain");
        }
        var bytes = Take((long)length, what);
        return Encoding.UTF8.GetString(bytes);
    }

    public (GgufValueType Type, object Value) ReadValue(GgufValueType type, string key, int depth)
    {
        return type switch
        {
            GgufValueType.UInt8 => (type, ReadByte(key)),
            GgufValueType.Int8 => (type, (sbyte)ReadByte(key)),
            GgufValueType.UInt16 => (type, ReadUInt16(key)),
            GgufValueType.Int16 => (type, (short)ReadUInt16(key)),
            GgufValueType.UInt32 => (type, ReadUInt32(key)),
            GgufValueType.Int32 => (type, (int)ReadUInt32(key)),
            GgufValueType.Float32 => (type, ReadSingle(key)),
            GgufValueType.Bool => (type, ReadBool(key)),
            GgufValueType.String => (type, ReadString(key)),
            GgufValueType.UInt64 => (type, ReadUInt64(key)),
            GgufValueType.Int64 => (type, (long)ReadUInt64(key)),
            GgufValueType.Float64 => (type, ReadDouble(key)),
            GgufValueType.Array => (type, ReadArray(key, depth)),
            _ => throw Error($"metadata key '{key}' has unknown value type {(uint)type}"),
        };
    }

    private bool ReadBool(string key)
    {
        var b = ReadByte(key);
        return b switch
        {
            0 => false,
            1 => true,
            _ => throw Error($"metadata key '{key}' has invalid bool byte {b}"),
        };
    }

    private GgufArray ReadArray(string key, int depth)
    {
        if (depth > 8)
        {
            throw Error($"metadata key '{key}' nests arrays deeper than 8 levels");
        }
        var elementType = (GgufValueType)ReadUInt32(key + " array type");
        switch (elementType)
        {
            case GgufValueType.UInt8: return new(elementType, ReadPrimitives<byte>(key, 1));
            case GgufValueType.Int8: return new(elementType, ReadPrimitives<sbyte>(key, 1));
            case GgufValueType.UInt16: return new(elementType, ReadPrimitives<ushort>(key, 2));
            case GgufValueType.Int16: return new(elementType, ReadPrimitives<short>(key, 2));
            case GgufValueType.UInt32: return new(elementType, ReadPrimitives<uint>(key, 4));
            case GgufValueType.Int32: return new(elementType, ReadPrimitives<int>(key, 4));
            case GgufValueType.Float32: return new(elementType, ReadPrimitives<float>(key, 4));
            case GgufValueType.UInt64: return new(elementType, ReadPrimitives<ulong>(key, 8));
            case GgufValueType.Int64: return new(elementType, ReadPrimitives<long>(key, 8));
            case GgufValueType.Float64: return new(elementType, ReadPrimitives<double>(key, 8));
            case GgufValueType.Bool:
                {
                    var n = ReadCount(key, 1);
                    var values = new bool[n];
                    for (var i = 0; i < n; i++)
                    {
                        values[i] = ReadBool(key);
                    }
                    return new(elementType, values);
                }
            case GgufValueType.String:
                {
                    var n = ReadCount(key, 8);
                    var values = new string[n];
                    for (var i = 0; i < n; i++)
                    {
                        values[i] = ReadString(key);
                    }
                    return new(elementType, values);
                }
            case GgufValueType.Array:
                {
                    var n = ReadCount(key, 12);
                    var values = new GgufArray[n];
                    for (var i = 0; i < n; i++)
                    {
                        values[i] = ReadArray(key, depth + 1);
                    }
                    return new(elementType, values);
                }
            default:
                throw Error($"metadata key '{key}' has an array of unknown value type {(uint)elementType}");
        }
    }

    private T[] ReadPrimitives<T>(string key, int size)
        where T : unmanaged
    {
        var n = ReadCount(key, size);
        var bytes = Take((long)n * size, key);
        var values = new T[n];
        // GGUF is little-endian, as is every platform .NET runs this engine on.
        bytes.CopyTo(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
        return values;
    }
}
