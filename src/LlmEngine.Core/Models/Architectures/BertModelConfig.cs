using LlmEngine.Embeddings;
using LlmEngine.Models.Gguf;
using LlmEngine.Models.HuggingFace;

namespace LlmEngine.Models.Architectures;

/// <summary>
/// Reads the <see cref="ModelConfig"/> of a BERT encoder (bge, e5, MiniLM): GGUF <c>bert</c> files as llama.cpp's
/// converter writes them, and Transformers <c>BertModel</c> folders.
/// </summary>
internal static class BertModelConfig
{
    /// <summary>The architecture name (GGUF <c>general.architecture</c>, Transformers <c>model_type</c>).</summary>
    public const string Architecture = "bert";

    /// <summary>The Transformers class of a bare encoder.</summary>
    public const string ClassName = "BertModel";

    /// <summary>Transformers' default <c>layer_norm_eps</c> for BERT.</summary>
    public const float DefaultLayerNormEpsilon = 1e-12f;

    /// <summary>Builds the configuration of a GGUF <c>bert</c> file; throws <see cref="ModelLoadException"/> naming the key or tensor.</summary>
    public static ModelConfig FromGguf(GgufFile file)
    {
        var md = file.Metadata;
        var path = file.SourcePath;

        int Required(string suffix)
        {
            var value = md.ArchInteger(suffix) ?? throw new ModelLoadException(path, $"metadata key '{Architecture}.{suffix}' is missing");
            return value is > 0 and <= int.MaxValue ? (int)value
                : throw new ModelLoadException(path, $"metadata key '{Architecture}.{suffix}' is {value}; expected a positive 32-bit integer");
        }

        var hidden = Required("embedding_length");
        var heads = Required("attention.head_count");
        if (hidden % heads != 0)
        {
            throw new ModelLoadException(path, $"'{Architecture}.embedding_length' {hidden} is not a multiple of '{Architecture}.attention.head_count' {heads}");
        }
        var epsilon = md.ArchFloat("attention.layer_norm_epsilon")
            ?? throw new ModelLoadException(path, $"metadata key '{Architecture}.attention.layer_norm_epsilon' is missing");
        if (md.GetBool($"{Architecture}.attention.causal") == true)
        {
            throw new ModelLoadException(path, $"'{Architecture}.attention.causal' is true; a bert encoder attends both ways");
        }
        if (!file.TryGetTensor("token_embd.weight", out var embedding))
        {
            throw new ModelLoadException(path, "tensor 'token_embd.weight' is missing");
        }
        var tokenTypes = file.TryGetTensor("token_types.weight", out var types) ? (int)types.RowCount : 0;
        return Create(
            vocabulary: (int)embedding.RowCount,
            hidden: hidden,
            layers: Required("block_count"),
            heads: heads,
            intermediate: Required("feed_forward_length"),
            context: Required("context_length"),
            epsilon: (float)epsilon,
            tokenTypes: tokenTypes,
            pooling: PoolingTypes.FromGguf(md.ArchInteger("pooling_type"), path, $"{Architecture}.pooling_type"),
            bos: md.GetInteger("tokenizer.ggml.cls_token_id") is { } cls and >= 0 and <= int.MaxValue ? (int)cls : null,
            eos: md.GetInteger("tokenizer.ggml.seperator_token_id") is { } sep and >= 0 and <= int.MaxValue ? [(int)sep] : []);
    }

    /// <summary>Whether a <c>config.json</c> describes a BERT encoder (<c>BertModel</c>, or <c>model_type</c> <c>bert</c> with no class).</summary>
    public static bool IsBert(JsonObjectReader json)
    {
        var classes = json.StringArray("architectures") ?? [];
        foreach (var className in classes)
        {
            if (className == ClassName)
            {
                return true;
            }
        }
        return classes.Length == 0 && json.String("model_type") == Architecture;
    }

    /// <summary>
    /// Builds the configuration of a Transformers <c>BertModel</c> <c>config.json</c>, with the pooling of a
    /// sentence-transformers <c>1_Pooling/config.json</c> beside it. Only absolute position embeddings and the exact
    /// (erf) GELU are supported; anything else is a <see cref="ModelLoadException"/> naming the key.
    /// </summary>
    public static ModelConfig FromHuggingFace(JsonObjectReader json)
    {
        var hidden = json.RequiredInt("hidden_size", 1);
        var heads = json.RequiredInt("num_attention_heads", 1);
        if (hidden % heads != 0)
        {
            throw json.Error("hidden_size", $"({hidden}) is not a multiple of num_attention_heads ({heads})");
        }
        if (json.String("hidden_act") is { } activation && activation != "gelu")
        {
            throw json.Error("hidden_act", $"is '{activation}'; only 'gelu' (erf) is supported for BertModel");
        }
        if (json.String("position_embedding_type") is { } positions && positions != "absolute")
        {
            throw json.Error("position_embedding_type", $"is '{positions}'; only 'absolute' is supported");
        }
        if (json.Bool("is_decoder") == true)
        {
            throw json.Error("is_decoder", "is true; only the bidirectional encoder is supported");
        }
        var epsilon = json.Double("layer_norm_eps") ?? DefaultLayerNormEpsilon;
        if (!(epsilon > 0))
        {
            throw json.Error("layer_norm_eps", $"is {epsilon}; it must be positive");
        }
        var folder = System.IO.Path.GetDirectoryName(json.Path) ?? ".";
        return Create(
            vocabulary: json.RequiredInt("vocab_size", 1),
            hidden: hidden,
            layers: json.RequiredInt("num_hidden_layers", 1),
            heads: heads,
            intermediate: json.RequiredInt("intermediate_size", 1),
            context: json.RequiredInt("max_position_embeddings", 1),
            epsilon: (float)epsilon,
            tokenTypes: json.Int("type_vocab_size") ?? 2,
            pooling: PoolingTypes.FromSentenceTransformers(folder),
            bos: null,
            eos: []);
    }

    private static ModelConfig Create(int vocabulary, int hidden, int layers, int heads, int intermediate, int context, float epsilon,
        int tokenTypes, PoolingType? pooling, int? bos, int[] eos) => new()
        {
            Architecture = Architecture,
            VocabularySize = vocabulary,
            HiddenSize = hidden,
            NumLayers = layers,
            NumHeads = heads,
            NumKvHeads = heads,
            HeadDim = hidden / heads,
            IntermediateSize = intermediate,
            ContextLength = context,
            // BERT normalizes with LayerNorm; the RMS epsilon is kept equal so no reader of the config sees a zero.
            RmsNormEpsilon = epsilon,
            LayerNormEpsilon = epsilon,
            // Absolute position embeddings: nothing is rotated.
            RopeTheta = GgufModelConfig.DefaultRopeTheta,
            RopeDimensions = 0,
            RopeStyle = RopeStyle.Neox,
            TiedEmbeddings = false,
            BosTokenId = bos,
            EosTokenIds = eos,
            IsEncoderOnly = true,
            TokenTypeCount = tokenTypes,
            Pooling = pooling,
        };
}
