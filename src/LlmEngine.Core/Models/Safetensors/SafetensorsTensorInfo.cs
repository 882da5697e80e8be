namespace LlmEngine.Models.Safetensors;

/// <summary>One entry of a safetensors header, validated against the file's size.</summary>
/// <param name="Name">The tensor's name as stored (Hugging Face naming).</param>
/// <param name="DType">The dtype as stored (<c>F32</c>, <c>BF16</c>, <c>I64</c>, ...).</param>
/// <param name="Shape">Dimensions in ggml order (contiguous first): the file's row-major shape reversed.</param>
/// <param name="Offset">Offset of the first byte from the start of the data section.</param>
/// <param name="ByteLength">Number of bytes.</param>
public sealed record SafetensorsTensorInfo(string Name, string DType, long[] Shape, long Offset, long ByteLength)
{
    /// <summary>The element type the engine reads, or null for a dtype it does not compute with (only F32, F16 and BF16 map).</summary>
    public GgmlType? Type => SafetensorsDTypes.ToGgmlType(DType);
}
