namespace LlmEngine.Models.Safetensors;

/// <summary>The safetensors dtype names: their element sizes and the ones that map onto a <see cref="GgmlType"/>.</summary>
internal static class SafetensorsDTypes
{
    /// <summary>Bytes per element of a dtype, or 0 when the dtype is not one this reader knows.</summary>
    public static int ElementSize(string dtype) => dtype switch
    {
        "BOOL" or "U8" or "I8" or "F8_E5M2" or "F8_E4M3" or "F8_E8M0" => 1,
        "I16" or "U16" or "F16" or "BF16" => 2,
        "I32" or "U32" or "F32" => 4,
        "I64" or "U64" or "F64" => 8,
        _ => 0,
    };

    /// <summary>The ggml type the engine computes with for a dtype; only the float types the kernels read are mapped.</summary>
    public static GgmlType? ToGgmlType(string dtype) => dtype switch
    {
        "F32" => GgmlType.F32,
        "F16" => GgmlType.F16,
        "BF16" => GgmlType.BF16,
        _ => null,
    };

    /// <summary>The dtype name a writer stores for a ggml type, or null when safetensors has no equivalent.</summary>
    public static string? FromGgmlType(GgmlType type) => type switch
    {
        GgmlType.F32 => "F32",
        GgmlType.F16 => "F16",
        GgmlType.BF16 => "BF16",
        GgmlType.F64 => "F64",
        GgmlType.I8 => "I8",
        GgmlType.I16 => "I16",
        GgmlType.I32 => "I32",
        GgmlType.I64 => "I64",
        _ => null,
    };
}
