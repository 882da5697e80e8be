using LlmEngine.Embeddings;
using LlmEngine.Models.Architectures;

namespace LlmEngine.Models.HuggingFace;

/// <summary>
/// Builds a <see cref="ModelConfig"/> from a Transformers <c>config.json</c>. Hugging Face checkpoints always use
/// rotate-half rope, so the style is <see cref="RopeStyle.Neox"/> whatever the architecture.
/// </summary>
internal static class HuggingFaceConfigReader
{
    public static (ModelConfig Config, string ClassName, string ModelType) Read(JsonObjectReader json, HuggingFaceGenerationConfig? generation)
    {
        if (BertModelConfig.IsBert(json))
        {
            return (BertModelConfig.FromHuggingFace(json), BertModelConfig.ClassName, BertModelConfig.Architecture);
        }
        var (architecture, className, modelType) = ReadArchitecture(json);
        var hidden = json.RequiredInt("hidden_size", 1);
        var heads = json.RequiredInt("num_attention_heads", 1);
        var kvHeads = json.Int("num_key_value_heads") ?? heads;
        if (kvHeads < 1 || heads % kvHeads != 0)
        {
            throw json.Error("num_key_value_heads", $"is {kvHeads}; it must divide num_attention_heads ({heads})");
        }
        int headDim;
        if (json.Int("head_dim") is { } explicitHeadDim)
        {
            headDim = explicitHeadDim >= 1 ? explicitHeadDim : throw json.Error("head_dim", $"is {explicitHeadDim}; it must be positive");
        }
        else
        {
            headDim = hidden % heads == 0 ? hidden / heads
                : throw json.Error("hidden_size", $"({hidden}) is not a multiple of num_attention_heads ({heads}) and there is no head_dim");
        }
        var partialRotary = json.Double("partial_rotary_factor") ?? 1.0;
        var ropeDimensions = (int)(headDim * partialRotary);
        if (partialRotary is <= 0 or > 1 || ropeDimensions % 2 != 0)
        {
            throw json.Error("partial_rotary_factor", $"is {partialRotary}; it must rotate an even number of the {headDim} head dimensions");
        }
        var contextLength = json.RequiredInt("max_position_embeddings", 1);

        // Transformers 5 moves rope_theta and rope_scaling into one rope_parameters object.
        var ropeParameters = json.Object("rope_parameters");
        var ropeTheta = ropeParameters?.Double("rope_theta") ?? json.Double("rope_theta") ?? 10000.0;
        if (ropeTheta <= 0)
        {
            throw json.Error("rope_theta", $"is {ropeTheta}; it must be positive");
        }
        var epsilon = json.Double("rms_norm_eps") ?? HuggingFaceArchitectures.DefaultRmsNormEpsilon(architecture);
        if (epsilon <= 0)
        {
            throw json.Error("rms_norm_eps", $"is {epsilon}; it must be positive");
        }
        var scaling = ropeParameters is { } p && p.Has("rope_type") ? p : json.Object("rope_scaling");

        var config = new ModelConfig
        {
            Architecture = architecture,
            VocabularySize = json.RequiredInt("vocab_size", 1),
            HiddenSize = hidden,
            NumLayers = json.RequiredInt("num_hidden_layers", 1),
            NumHeads = heads,
            NumKvHeads = kvHeads,
            HeadDim = headDim,
            IntermediateSize = json.RequiredInt("intermediate_size", 1),
            ContextLength = contextLength,
            RmsNormEpsilon = (float)epsilon,
            RopeTheta = (float)ropeTheta,
            RopeDimensions = ropeDimensions,
            RopeStyle = RopeStyle.Neox,
            RopeScaling = scaling is { } s ? ReadRopeScaling(s, json, ropeDimensions, contextLength) : null,
            TiedEmbeddings = json.Bool("tie_word_embeddings") ?? false,
            BosTokenId = json.Int("bos_token_id") ?? generation?.BosTokenId,
            EosTokenIds = MergeEos(json.IntOrIntArray("eos_token_id"), generation?.EosTokenIds),
            Pooling = PoolingTypes.FromSentenceTransformers(System.IO.Path.GetDirectoryName(json.Path) ?? "."),
        };
        return (config, className, modelType);
    }

    private static (string Architecture, string ClassName, string ModelType) ReadArchitecture(JsonObjectReader json)
    {
        var modelType = json.String("model_type") ?? "";
        var classes = json.StringArray("architectures") ?? [];
        foreach (var className in classes)
        {
            if (HuggingFaceArchitectures.FromClassName(className) is { } architecture)
            {
                return (architecture, className, modelType);
            }
        }
        if (classes.Length == 0 && HuggingFaceArchitectures.FromModelType(modelType) is { } fromType)
        {
            return (fromType, modelType, modelType);
        }
        var named = classes.Length > 0 ? $"architectures [{string.Join(", ", classes)}]" : $"model_type '{modelType}'";
        throw new ModelLoadException(json.Path, $"{named} is not supported; supported: {HuggingFaceArchitectures.Supported}");
    }

    private static RopeScaling? ReadRopeScaling(JsonObjectReader rope, JsonObjectReader config, int ropeDimensions, int contextLength)
    {
        var type = rope.String("rope_type") ?? rope.String("type");
        switch (type)
        {
            case null or "default":
                return null;
            case "linear":
                return new RopeScaling("linear", Factor: RequiredPositive(rope, "factor"));
            case "llama3":
                return new RopeScaling(
                    "llama3",
                    Factor: RequiredPositive(rope, "factor"),
                    LowFrequencyFactor: rope.Double("low_freq_factor") ?? 1.0,
                    HighFrequencyFactor: rope.Double("high_freq_factor") ?? 4.0,
                    OriginalContextLength: rope.RequiredInt("original_max_position_embeddings", 1));
            case "yarn":
                return new RopeScaling(
                    "yarn",
                    Factor: RequiredPositive(rope, "factor"),
                    OriginalContextLength: rope.Int("original_max_position_embeddings")
                        ?? config.Int("original_max_position_embeddings") ?? contextLength);
            case "longrope" or "su":
                {
                    // Phi-3 keeps original_max_position_embeddings beside rope_scaling rather than inside it.
                    var original = rope.Int("original_max_position_embeddings") ?? config.Int("original_max_position_embeddings")
                        ?? throw config.Error("original_max_position_embeddings", "is missing; longrope needs it");
                    if (original < 1)
                    {
                        throw config.Error("original_max_position_embeddings", $"is {original}; it must be positive");
                    }
                    var factor = rope.Double("factor") ?? Math.Max(1.0, (double)contextLength / original);
                    return new RopeScaling(
                        "longrope",
                        Factor: factor,
                        OriginalContextLength: original,
                        ShortFactors: RopeFactors(rope, "short_factor", ropeDimensions),
                        LongFactors: RopeFactors(rope, "long_factor", ropeDimensions));
                }
            default:
                throw rope.Error("rope_type", $"'{type}' is not supported (linear, llama3, longrope and yarn are)");
        }
    }

    private static double RequiredPositive(JsonObjectReader json, string key)
    {
        var value = json.Double(key) ?? throw json.Error(key, "is missing");
        return value > 0 ? value : throw json.Error(key, $"is {value}; it must be positive");
    }

    private static float[] RopeFactors(JsonObjectReader rope, string key, int ropeDimensions)
    {
        var factors = rope.FloatArray(key) ?? throw rope.Error(key, "is missing; longrope needs it");
        if (factors.Length != ropeDimensions / 2)
        {
            throw rope.Error(key, $"has {factors.Length} entries; the {ropeDimensions} rotated dimensions need {ropeDimensions / 2}");
        }
        foreach (var f in factors)
        {
            if (!(f > 0))
            {
                throw rope.Error(key, $"holds {f}; every factor must be positive");
            }
        }
        return factors;
    }

    private static int[] MergeEos(int[]? fromConfig, IReadOnlyList<int>? fromGeneration)
    {
        // Instruction-tuned models often list extra end-of-turn ids only in generation_config.json; stopping needs all.
        var merged = new List<int>(fromConfig ?? []);
        foreach (var id in fromGeneration ?? [])
        {
            if (!merged.Contains(id))
            {
                merged.Add(id);
            }
        }
        return [.. merged];
    }
}
