using LlmEngine.Embeddings;
using LlmEngine.Models.Architectures;
using LlmEngine.Models.Gguf;

namespace LlmEngine.Models;

/// <summary>
/// Reads a <see cref="ModelConfig"/> from a GGUF file's metadata (and the few tensors that carry hyperparameters):
/// the decoders of <see cref="ArchitectureLayout"/> and the <c>bert</c> encoder.
/// </summary>
public static class GgufModelConfig
{
    /// <summary>Default rope base when a GGUF omits <c>{arch}.rope.freq_base</c> (llama.cpp's default).</summary>
    public const float DefaultRopeTheta = 10000f;

    /// <summary>
    /// Builds the configuration of <paramref name="file"/>. Throws <see cref="ModelLoadException"/> naming the file and
    /// the key or tensor for an unsupported architecture or a missing or inconsistent hyperparameter.
    /// </summary>
    public static ModelConfig FromGguf(GgufFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var md = file.Metadata;
        var path = file.SourcePath;
        var arch = md.Architecture ?? throw new ModelLoadException(path, "metadata key 'general.architecture' is missing");
        if (arch == BertModelConfig.Architecture)
        {
            return BertModelConfig.FromGguf(file);
        }
        var layout = ArchitectureLayout.Find(arch) ?? throw new ModelLoadException(path,
            $"unsupported architecture '{arch}' (supported: {ArchitectureLayout.SupportedNames})");

        int Required(string suffix)
        {
            var value = md.ArchInteger(suffix) ?? throw new ModelLoadException(path, $"metadata key '{arch}.{suffix}' is missing");
            if (value <= 0 || value > int.MaxValue)
            {
                throw new ModelLoadException(path, $"metadata key '{arch}.{suffix}' is {value}; expected a positive 32-bit integer");
            }
            return (int)value;
        }

        var hidden = Required("embedding_length");
        var layers = Required("block_count");
        var heads = Required("attention.head_count");
        var kvHeads = md.HeadCountKv is null ? heads : Required("attention.head_count_kv");
        var intermediate = Required("feed_forward_length");
        var context = Required("context_length");
        if (heads % kvHeads != 0)
        {
            throw new ModelLoadException(path, $"'{arch}.attention.head_count' {heads} is not a multiple of '{arch}.attention.head_count_kv' {kvHeads}");
        }
        if (md.KeyLength is null && hidden % heads != 0)
        {
            throw new ModelLoadException(path, $"'{arch}.embedding_length' {hidden} is not a multiple of '{arch}.attention.head_count' {heads} and '{arch}.attention.key_length' is missing");
        }
        var headDim = md.KeyLength is null ? hidden / heads : Required("attention.key_length");
        if (md.ValueLength is not null && Required("attention.value_length") != headDim)
        {
            throw new ModelLoadException(path, $"'{arch}.attention.value_length' {md.ValueLength} differs from the key length {headDim}; only equal K and V head sizes are supported");
        }
        var ropeDims = md.RopeDimensionCount is null ? headDim : Required("rope.dimension_count");
        if (ropeDims > headDim || ropeDims % 2 != 0)
        {
            throw new ModelLoadException(path, $"'{arch}.rope.dimension_count' {ropeDims} must be even and at most the head size {headDim}");
        }
        var epsilon = md.RmsNormEpsilon ?? throw new ModelLoadException(path, $"metadata key '{arch}.attention.layer_norm_rms_epsilon' is missing");

        if (!file.TryGetTensor("token_embd.weight", out var embedding))
        {
            throw new ModelLoadException(path, "tensor 'token_embd.weight' is missing");
        }
        var vocab = md.VocabSize is null ? (int)embedding.RowCount : Required("vocab_size");

        var eos = new List<int>();
        foreach (var key in (ReadOnlySpan<string>)["tokenizer.ggml.eos_token_id", "tokenizer.ggml.eot_token_id", "tokenizer.ggml.eom_token_id"])
        {
            if (md.GetInteger(key) is { } id && id is >= 0 and <= int.MaxValue && !eos.Contains((int)id))
            {
                eos.Add((int)id);
            }
        }
        var bos = md.BosTokenId is { } b && b is >= 0 and <= int.MaxValue ? (int?)b : null;

        return new ModelConfig
        {
            Architecture = arch,
            VocabularySize = vocab,
            HiddenSize = hidden,
            NumLayers = layers,
            NumHeads = heads,
            NumKvHeads = kvHeads,
            HeadDim = headDim,
            IntermediateSize = intermediate,
            ContextLength = context,
            RmsNormEpsilon = (float)epsilon,
            RopeTheta = (float)(md.RopeFreqBase ?? DefaultRopeTheta),
            RopeDimensions = ropeDims,
            RopeStyle = layout.GgufRopeStyle,
            RopeScaling = ReadRopeScaling(file, arch, ropeDims),
            TiedEmbeddings = !file.TryGetTensor("output.weight", out _),
            BosTokenId = bos,
            EosTokenIds = eos,
            Pooling = PoolingTypes.FromGguf(md.ArchInteger("pooling_type"), path, $"{arch}.pooling_type"),
        };
    }

    private static RopeScaling? ReadRopeScaling(GgufFile file, string arch, int ropeDims)
    {
        var md = file.Metadata;
        var path = file.SourcePath;
        var factor = md.RopeScalingFactor ?? 1.0;
        var original = (int)(md.RopeScalingOriginalContextLength ?? 0);

        var hasLong = file.TryGetTensor("rope_factors_long.weight", out var longTensor);
        var hasShort = file.TryGetTensor("rope_factors_short.weight", out var shortTensor);
        if (hasLong || hasShort)
        {
            if (!(hasLong && hasShort))
            {
                throw new ModelLoadException(path, $"tensor '{(hasLong ? "rope_factors_short.weight" : "rope_factors_long.weight")}' is missing (longrope needs both factor tensors)");
            }
            if (original <= 0)
            {
                throw new ModelLoadException(path, $"metadata key '{arch}.rope.scaling.original_context_length' is missing (longrope needs it)");
            }
            // GGUF stores the cos/sin magnitude scale itself; ModelConfig carries the context extension factor it
            // derives from (scale = sqrt(1 + ln(factor) / ln(original))), so invert that relation.
            if (md.ArchFloat("rope.scaling.attn_factor") is { } attnFactor)
            {
                factor = Math.Exp((attnFactor * attnFactor - 1.0) * Math.Log(original));
            }
            else
            {
                factor = Math.Max(1.0, (double)(md.ContextLength ?? original) / original);
            }
            return new RopeScaling("longrope", factor, OriginalContextLength: original,
                ShortFactors: ReadFactors(path, shortTensor, ropeDims), LongFactors: ReadFactors(path, longTensor, ropeDims));
        }

        var type = md.RopeScalingType;
        if (file.TryGetTensor("rope_freqs.weight", out _))
        {
            // Llama 3.1: the per-pair divisors are stored as a tensor; the weights binding reads them.
            return new RopeScaling("llama3", factor, OriginalContextLength: original);
        }
        return type switch
        {
            null or "none" => null,
            "linear" => new RopeScaling("linear", factor, OriginalContextLength: original),
            "yarn" => new RopeScaling("yarn", factor, OriginalContextLength: original),
            _ => throw new ModelLoadException(path, $"unsupported rope scaling type '{type}' in '{arch}.rope.scaling.type'"),
        };
    }

    private static float[] ReadFactors(string path, TensorView tensor, int ropeDims)
    {
        if (tensor.Type != GgmlType.F32 || tensor.ElementCount != ropeDims / 2)
        {
            throw new ModelLoadException(path, $"tensor '{tensor.Name}' is {tensor.Type} {tensor.ShapeText}; expected F32 [{ropeDims / 2}] (one factor per rotary pair)");
        }
        return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(tensor.Bytes).ToArray();
    }
}
