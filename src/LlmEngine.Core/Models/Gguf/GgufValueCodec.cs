using System.Runtime.InteropServices;
using System.Text;

namespace LlmEngine.Models.Gguf;

/// <summary>Checks and encodes GGUF metadata values for <see cref="GgufWriter"/> (the inverse of the reader's decoding).</summary>
internal static class GgufValueCodec
{
    private const int MaxDepth = 8;

    /// <summary>The .NET type a scalar of <paramref name="type"/> is held as, or null for arrays.</summary>
    public static Type? ClrType(GgufValueType type) => type switch
    {
        GgufValueType.UInt8 => typeof(byte),
        GgufValueType.Int8 => typeof(sbyte),
        GgufValueType.UInt16 => typeof(ushort),
        GgufValueType.Int16 => typeof(short),
        GgufValueType.UInt32 => typeof(uint),
        GgufValueType.Int32 => typeof(int),
        GgufValueType.Float32 => typeof(float),
        GgufValueType.Bool => typeof(bool),
        GgufValueType.String => typeof(string),
        GgufValueType.UInt64 => typeof(ulong),
        GgufValueType.Int64 => typeof(long),
        GgufValueType.Float64 => typeof(double),
        GgufValueType.Array => null,
        _ => throw new ArgumentException($"Unknown GGUF value type {(uint)type}."),
    };

    public static void Validate(GgufValueType type, object value, string key) => Validate(type, value, key, 0);

    private static void Validate(GgufValueType type, object value, string key, int depth)
    {
        var clr = ClrType(type);
        if (clr is not null)
        {
            if (value.GetType() != clr)
            {
                throw new ArgumentException($"Metadata '{key}' is declared {type} and needs a {clr.Name}, not a {value.GetType().Name}.");
            }
            return;
        }
        if (value is not GgufArray array)
        {
            throw new ArgumentException($"Metadata '{key}' is declared Array and needs a GgufArray, not a {value.GetType().Name}.");
        }
        if (depth >= MaxDepth)
        {
            throw new ArgumentException($"Metadata '{key}' nests arrays deeper than {MaxDepth} levels.");
        }
        var elementClr = ClrType(array.ElementType) ?? typeof(GgufArray);
        if (array.Values.GetType() != elementClr.MakeArrayType())
        {
            throw new ArgumentException($"Metadata '{key}' is an array of {array.ElementType} and needs a {elementClr.Name}[], not a {array.Values.GetType().Name}.");
        }
        if (array.ElementType == GgufValueType.Array)
        {
            foreach (var nested in (GgufArray[])array.Values)
            {
                ArgumentNullException.ThrowIfNull(nested, key);
                Validate(GgufValueType.Array, nested, key, depth + 1);
            }
        }
        else if (array.ElementType == GgufValueType.String)
        {
            foreach (var s in (string[])array.Values)
            {
                ArgumentNullException.ThrowIfNull(s, key);
            }
        }
    }

    public static void WriteString(BinaryWriter writer, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        writer.Write((ulong)bytes.Length);
        writer.Write(bytes);
    }

    public static void WriteValue(BinaryWriter writer, GgufValueType type, object value)
    {
        switch (type)
        {
            case GgufValueType.UInt8: writer.Write((byte)value); break;
            case GgufValueType.Int8: writer.Write((sbyte)value); break;
            case GgufValueType.UInt16: writer.Write((ushort)value); break;
            case GgufValueType.Int16: writer.Write((short)value); break;
            case GgufValueType.UInt32: writer.Write((uint)value); break;
            case GgufValueType.Int32: writer.Write((int)value); break;
            case GgufValueType.Float32: writer.Write((float)value); break;
            case GgufValueType.Bool: writer.Write((byte)((bool)value ? 1 : 0)); break;
            case GgufValueType.String: WriteString(writer, (string)value); break;
            case GgufValueType.UInt64: writer.Write((ulong)value); break;
            case GgufValueType.Int64: writer.Write((long)value); break;
            case GgufValueType.Float64: writer.Write((double)value); break;
            default: WriteArray(writer, (GgufArray)value); break;
        }
    }

    private static void WriteArray(BinaryWriter writer, GgufArray array)
    {
        writer.Write((uint)array.ElementType);
        writer.Write((ulong)array.Length);
        switch (array.Values)
        {
            case string[] strings:
                foreach (var s in strings)
                {
                    WriteString(writer, s);
                }
                break;
            case bool[] bools:
                foreach (var b in bools)
                {
                    writer.Write((byte)(b ? 1 : 0));
                }
                break;
            case GgufArray[] nested:
                foreach (var a in nested)
                {
                    WriteArray(writer, a);
                }
                break;
            case byte[] v: writer.Write(v); break;
            case sbyte[] v: writer.Write(MemoryMarshal.AsBytes(v.AsSpan())); break;
            case ushort[] v: writer.Write(MemoryMarshal.AsBytes(v.AsSpan())); break;
            case short[] v: writer.Write(MemoryMarshal.AsBytes(v.AsSpan())); break;
            case uint[] v: writer.Write(MemoryMarshal.AsBytes(v.AsSpan())); break;
            case int[] v: writer.Write(MemoryMarshal.AsBytes(v.AsSpan())); break;
            case float[] v: writer.Write(MemoryMarshal.AsBytes(v.AsSpan())); break;
            case ulong[] v: writer.Write(MemoryMarshal.AsBytes(v.AsSpan())); break;
            case long[] v: writer.Write(MemoryMarshal.AsBytes(v.AsSpan())); break;
            case double[] v: writer.Write(MemoryMarshal.AsBytes(v.AsSpan())); break;
            default: throw new ArgumentException($"Unsupported GGUF array of {array.Values.GetType().Name}.");
        }
    }
}
