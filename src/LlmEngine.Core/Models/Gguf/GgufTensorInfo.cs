namespace LlmEngine.Models.Gguf;

/// <summary>One tensor's entry in a GGUF file.</summary>
/// <param name="Name">Tensor name, for example <c>blk.0.attn_q.weight</c>.</param>
/// <param name="Type">Element type.</param>
/// <param name="Shape">Dimensions in ggml order: <c>Shape[0]</c> is the contiguous (row) dimension.</param>
/// <param name="Offset">Byte offset of the data relative to the start of the data section.</param>
/// <param name="ByteLength">Bytes of data.</param>
public sealed record GgufTensorInfo(string Name, GgmlType Type, long[] Shape, long Offset, long ByteLength)
{
    /// <summary>Total number of elements.</summary>
    public long ElementCount
    {
        get
        {
            long n = 1;
            foreach (var d in Shape)
            {
                n *= d;
            }
            return n;
        }
    }

    /// <summary>The shape as ggml prints it, for messages.</summary>
    public string ShapeText => "[" + string.Join(", ", Shape) + "]";
}
