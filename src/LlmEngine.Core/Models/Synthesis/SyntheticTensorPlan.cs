namespace LlmEngine.Models.Synthesis;

/// <summary>
/// The tensors of a synthetic model in llama.cpp's GGUF naming, and the type each gets for a weight type, following
/// llama-quantize's choices for the ftype (<c>llama_tensor_get_type</c>): 1-D tensors stay F32; for Q4_0 and the
/// Q4_K_M mix the output (or the tied embedding) is Q6_K; Q4_K_M also makes attn_v and ffn_down Q6_K on the layers
/// <c>use_more_bits</c> picks; k-quants fall back (Q4_K to Q5_0, Q6_K to Q8_0) where a row is not a multiple of 256.
/// </summary>
internal static class SyntheticTensorPlan
{
    /// <summary>The weight types a synthetic model can be written in (<see cref="GgmlType.Q4_K"/> meaning the Q4_K_M mix).</summary>
    public static bool IsSupportedWeightType(GgmlType type) => type is GgmlType.F16 or GgmlType.Q8_0 or GgmlType.Q4_0 or GgmlType.Q4_K;

    /// <summary>llama.cpp's <c>general.file_type</c> for the weight type (LLAMA_FTYPE_MOSTLY_*).</summary>
    public static uint FileType(GgmlType weightType) => weightType switch
    {
        GgmlType.F16 => 1,
        GgmlType.Q4_0 => 2,
        GgmlType.Q8_0 => 7,
        GgmlType.Q4_K => 15,
        _ => throw new ArgumentException($"Synthetic models are written in F16, Q8_0, Q4_0 or Q4_K (the Q4_K_M mix), not {weightType}."),
    };

    public static List<SyntheticTensor> Create(SyntheticModelSpec spec, GgmlType weightType, int vocabularySize)
    {
        FileType(weightType);
        var hidden = spec.EmbeddingLength;
        var qDim = spec.HeadCount * spec.HeadDimension;
        var kvDim = spec.HeadCountKv * spec.HeadDimension;
        var layers = spec.BlockCount;
        var tensors = new List<SyntheticTensor>();

        void Matrix(string name, long rowLength, long rows, Role role, int layer = 0) =>
            tensors.Add(new SyntheticTensor(name, ChooseType(weightType, role, layer, layers, rowLength), [rowLength, rows], SyntheticTensorKind.Matrix));
        void Vector(string name, long length, SyntheticTensorKind kind, float[]? values = null) =>
            tensors.Add(new SyntheticTensor(name, GgmlType.F32, [length], kind, values));

        if (spec.RopeScaling is { } scaling)
        {
            Vector("rope_freqs.weight", spec.HeadDimension / 2, SyntheticTensorKind.Constant, scaling.FrequencyDivisors(spec.HeadDimension, spec.RopeFreqBase));
        }
        Matrix("token_embd.weight", hidden, vocabularySize, spec.TiedEmbeddings ? Role.Output : Role.Other);
        for (var i = 0; i < layers; i++)
        {
            var p = $"blk.{i}.";
            Vector(p + "attn_norm.weight", hidden, SyntheticTensorKind.Norm);
            Matrix(p + "attn_q.weight", hidden, qDim, Role.Other);
            Matrix(p + "attn_k.weight", hidden, kvDim, Role.Other);
            Matrix(p + "attn_v.weight", hidden, kvDim, Role.AttentionV, i);
            if (spec.AttentionBias)
            {
                Vector(p + "attn_q.bias", qDim, SyntheticTensorKind.Bias);
                Vector(p + "attn_k.bias", kvDim, SyntheticTensorKind.Bias);
                Vector(p + "attn_v.bias", kvDim, SyntheticTensorKind.Bias);
            }
            Matrix(p + "attn_output.weight", qDim, hidden, Role.Other);
            Vector(p + "ffn_norm.weight", hidden, SyntheticTensorKind.Norm);
            Matrix(p + "ffn_gate.weight", hidden, spec.FeedForwardLength, Role.Other);
            Matrix(p + "ffn_up.weight", hidden, spec.FeedForwardLength, Role.Other);
            Matrix(p + "ffn_down.weight", spec.FeedForwardLength, hidden, Role.FeedForwardDown, i);
        }
        Vector("output_norm.weight", hidden, SyntheticTensorKind.Norm);
        if (!spec.TiedEmbeddings)
        {
            Matrix("output.weight", hidden, vocabularySize, Role.Output);
        }
        return tensors;
    }

    /// <summary>llama.cpp's <c>use_more_bits</c>: the first and last eighth of the layers and every third in between.</summary>
    public static bool UseMoreBits(int layer, int layers) =>
        layer < layers / 8 || layer >= 7 * layers / 8 || (layer - layers / 8) % 3 == 2;

    private static GgmlType ChooseType(GgmlType weightType, Role role, int layer, int layers, long rowLength)
    {
        var type = weightType;
        if (weightType is GgmlType.Q4_0 or GgmlType.Q4_K && role == Role.Output)
        {
            type = GgmlType.Q6_K;
        }
        else if (weightType == GgmlType.Q4_K && role is Role.AttentionV or Role.FeedForwardDown && UseMoreBits(layer, layers))
        {
            type = GgmlType.Q6_K;
        }
        if (rowLength % GgmlTypeInfo.BlockSize(type) != 0)
        {
            type = type switch
            {
                GgmlType.Q4_K => GgmlType.Q5_0,
                GgmlType.Q6_K => GgmlType.Q8_0,
                _ => type,
            };
        }
        return type;
    }

    private enum Role
    {
        Other,
        Output,
        AttentionV,
        FeedForwardDown,
    }
}
