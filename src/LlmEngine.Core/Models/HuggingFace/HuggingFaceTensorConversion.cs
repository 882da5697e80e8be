using LlmEngine.Models.Safetensors;

namespace LlmEngine.Models.HuggingFace;

/// <summary>
/// Converts tensors between GGUF and Hugging Face naming and layout, so one set of weights can be written in both
/// formats: names are mapped with <see cref="HuggingFaceTensorNames"/>, and where the GGUF side uses interleaved
/// ("normal") rope the Q and K rows are permuted as llama.cpp's converter does (<see cref="LlamaRopePermutation"/>).
/// </summary>
public static class HuggingFaceTensorConversion
{
    /// <summary>
    /// The Hugging Face form of a GGUF-named tensor from a model described by <paramref name="ggufConfig"/>: Q and K
    /// un-permuted when <see cref="ModelConfig.RopeStyle"/> is <see cref="RopeStyle.Normal"/>. Returns null for a
    /// GGUF-only tensor (<c>rope_freqs.weight</c>, which Hugging Face derives from <c>rope_scaling</c>); throws
    /// <see cref="ArgumentException"/> for a name with no mapping.
    /// </summary>
    public static TensorData? FromGguf(TensorData ggufTensor, ModelConfig ggufConfig)
    {
        ArgumentNullException.ThrowIfNull(ggufTensor);
        ArgumentNullException.ThrowIfNull(ggufConfig);
        if (ggufTensor.Name == "rope_freqs.weight")
        {
            return null;
        }
        var name = HuggingFaceTensorNames.ToHuggingFace(ggufTensor.Name, ggufConfig.Architecture)
            ?? throw new ArgumentException($"GGUF tensor '{ggufTensor.Name}' has no Hugging Face name.", nameof(ggufTensor));
        return Reorder(ggufTensor, name, ggufConfig, toGguf: false);
    }

    /// <summary>
    /// The GGUF form of a Hugging Face-named tensor for a GGUF model described by <paramref name="ggufConfig"/>: Q and K
    /// permuted when its <see cref="ModelConfig.RopeStyle"/> is <see cref="RopeStyle.Normal"/> (llama.cpp's <c>llama</c>
    /// architecture). Throws <see cref="ArgumentException"/> for a name with no mapping.
    /// </summary>
    public static TensorData ToGguf(TensorData huggingFaceTensor, ModelConfig ggufConfig)
    {
        ArgumentNullException.ThrowIfNull(huggingFaceTensor);
        ArgumentNullException.ThrowIfNull(ggufConfig);
        var name = HuggingFaceTensorNames.ToGguf(huggingFaceTensor.Name)
            ?? throw new ArgumentException($"Tensor '{huggingFaceTensor.Name}' has no GGUF name.", nameof(huggingFaceTensor));
        return Reorder(huggingFaceTensor, name, ggufConfig, toGguf: true);
    }

    private static TensorData Reorder(TensorData tensor, string newName, ModelConfig config, bool toGguf)
    {
        var ggufName = toGguf ? newName : tensor.Name;
        var heads = RotaryHeads(ggufName, config);
        if (config.RopeStyle != RopeStyle.Normal || heads == 0)
        {
            return tensor.WithName(newName);
        }
        // A weight's rows are whole rows of Shape[0] elements; a bias is one value per row.
        var rowBytes = tensor.Shape.Length == 1
            ? GgmlTypeInfo.TypeSize(tensor.Type) / GgmlTypeInfo.BlockSize(tensor.Type)
            : GgmlTypeInfo.RowBytes(tensor.Type, tensor.Shape[0]);
        if (tensor.Shape.Length == 1 && GgmlTypeInfo.BlockSize(tensor.Type) != 1)
        {
            throw new ArgumentException($"Tensor '{tensor.Name}' is a {tensor.Type} vector; only plain types can be permuted element-wise.", nameof(tensor));
        }
        var source = tensor.GetBytes().Span;
        var result = new byte[source.Length];
        if (toGguf)
        {
            LlamaRopePermutation.Permute(source, result, (int)rowBytes, heads);
        }
        else
        {
            LlamaRopePermutation.Unpermute(source, result, (int)rowBytes, heads);
        }
        return TensorData.FromBytes(newName, tensor.Type, (long[])tensor.Shape.Clone(), result);
    }

    private static int RotaryHeads(string ggufName, ModelConfig config)
    {
        if (HuggingFaceTensorNames.GgufLayerIndex(ggufName) < 0)
        {
            return 0;
        }
        var suffix = ggufName[(ggufName.IndexOf('.', 4) + 1)..];
        return suffix switch
        {
            "attn_q.weight" or "attn_q.bias" => config.NumHeads,
            "attn_k.weight" or "attn_k.bias" => config.NumKvHeads,
            _ => 0,
        };
    }
}
