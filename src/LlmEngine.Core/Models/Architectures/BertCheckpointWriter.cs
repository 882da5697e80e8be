using System.Globalization;
using System.Text.Json;
using LlmEngine.Embeddings;
using LlmEngine.Models.Gguf;
using LlmEngine.Models.Safetensors;
using LlmEngine.Models.Synthesis;

namespace LlmEngine.Models.Architectures;

/// <summary>
/// Writes BERT encoders with seeded random weights, real shapes and real tokenizer metadata, in both formats the
/// engine reads: a GGUF <c>bert</c> file (llama.cpp's names and keys) and a Transformers <c>BertModel</c> folder
/// (<c>config.json</c>, <c>model.safetensors</c>, and <c>1_Pooling/config.json</c> when a pooling is given). The same
/// tensors go to both, so the two must embed identically. For tests and benchmarks: there is no small real BERT to ship.
/// </summary>
internal static class BertCheckpointWriter
{
    /// <summary>A BERT configuration with the given shape (as llama.cpp's converter and Transformers describe one).</summary>
    public static ModelConfig Config(int vocabulary, int hidden, int layers, int heads, int intermediate, int context,
        PoolingType? pooling, float epsilon = BertModelConfig.DefaultLayerNormEpsilon, int tokenTypes = 2) => new()
        {
            Architecture = BertModelConfig.Architecture,
            VocabularySize = vocabulary,
            HiddenSize = hidden,
            NumLayers = layers,
            NumHeads = heads,
            NumKvHeads = heads,
            HeadDim = hidden / heads,
            IntermediateSize = intermediate,
            ContextLength = context,
            RmsNormEpsilon = epsilon,
            LayerNormEpsilon = epsilon,
            RopeTheta = GgufModelConfig.DefaultRopeTheta,
            RopeDimensions = 0,
            RopeStyle = RopeStyle.Neox,
            IsEncoderOnly = true,
            TokenTypeCount = tokenTypes,
            Pooling = pooling,
        };

    /// <summary>
    /// GGUF-named F32 tensors for <paramref name="config"/>: embeddings N(0, 1), projections N(0, 1/sqrt(inputs)) so
    /// attention is far from uniform, LayerNorm weights 1 + N(0, 0.1) and biases N(0, 0.1) so a forgotten term shows.
    /// </summary>
    public static List<TensorData> RandomTensors(ModelConfig config, int seed)
    {
        int hidden = config.HiddenSize, ff = config.IntermediateSize;
        var tensors = new List<TensorData>();
        void Add(string name, int columns, int rows, float mean, float stddev)
        {
            var values = new float[(long)columns * rows];
            for (var r = 0; r < rows; r++)
            {
                new GaussianSource(seed, tensors.Count, r).Fill(values.AsSpan(r * columns, columns), mean, stddev);
            }
            long[] shape = rows == 1 ? [columns] : [columns, rows];
            tensors.Add(TensorData.FromFloats(name, shape, values));
        }
        void Norm(string name)
        {
            Add(name + ".weight", hidden, 1, 1f, 0.1f);
            Add(name + ".bias", hidden, 1, 0f, 0.1f);
        }
        void Linear(string name, int inputs, int outputs)
        {
            Add(name + ".weight", inputs, outputs, 0f, 1f / MathF.Sqrt(inputs));
            Add(name + ".bias", outputs, 1, 0f, 0.1f);
        }

        Add("token_embd.weight", hidden, config.VocabularySize, 0f, 1f);
        Add("position_embd.weight", hidden, config.ContextLength, 0f, 1f);
        if (config.TokenTypeCount > 0)
        {
            Add("token_types.weight", hidden, config.TokenTypeCount, 0f, 1f);
        }
        Norm("token_embd_norm");
        for (var i = 0; i < config.NumLayers; i++)
        {
            var p = $"blk.{i}.";
            Linear(p + "attn_q", hidden, hidden);
            Linear(p + "attn_k", hidden, hidden);
            Linear(p + "attn_v", hidden, hidden);
            Linear(p + "attn_output", hidden, hidden);
            Norm(p + "attn_output_norm");
            Linear(p + "ffn_up", hidden, ff);
            Linear(p + "ffn_down", ff, hidden);
            Norm(p + "layer_output_norm");
        }
        return tensors;
    }

    /// <summary>
    /// Writes a GGUF <c>bert</c> file of <paramref name="tensors"/> (GGUF names), with every <c>tokenizer.*</c> key of
    /// <paramref name="tokenizer"/> (a bert vocabulary such as llama.cpp's <c>ggml-vocab-bert-bge.gguf</c>).
    /// </summary>
    public static void WriteGguf(string path, ModelConfig config, IEnumerable<TensorData> tensors, GgufMetadata tokenizer)
    {
        const string a = BertModelConfig.Architecture;
        var writer = new GgufWriter();
        writer.AddString("general.architecture", a);
        writer.AddString("general.name", "tiny-random-bert");
        writer.AddUInt32($"{a}.context_length", (uint)config.ContextLength);
        writer.AddUInt32($"{a}.embedding_length", (uint)config.HiddenSize);
        writer.AddUInt32($"{a}.feed_forward_length", (uint)config.IntermediateSize);
        writer.AddUInt32($"{a}.block_count", (uint)config.NumLayers);
        writer.AddUInt32($"{a}.attention.head_count", (uint)config.NumHeads);
        writer.AddFloat32($"{a}.attention.layer_norm_epsilon", config.LayerNormEpsilon);
        writer.AddBool($"{a}.attention.causal", false);
        if (config.Pooling is { } pooling)
        {
            writer.AddUInt32($"{a}.pooling_type", (uint)PoolingTypes.ToGguf(pooling));
        }
        foreach (var key in tokenizer.Keys)
        {
            if (key.StartsWith("tokenizer.", StringComparison.Ordinal) && tokenizer.TryGetValue(key, out var value))
            {
                writer.Add(key, tokenizer.GetValueType(key), value);
            }
        }
        foreach (var tensor in tensors)
        {
            writer.AddTensor(tensor.Name, tensor.Type, tensor.Shape, tensor.WriteTo);
        }
        writer.WriteTo(path);
    }

    /// <summary>
    /// Writes a Transformers <c>BertModel</c> folder of <paramref name="tensors"/> (GGUF names, renamed here):
    /// <c>config.json</c>, <c>model.safetensors</c> and, when <see cref="ModelConfig.Pooling"/> is set,
    /// sentence-transformers' <c>1_Pooling/config.json</c>. Tokenizer files are not written.
    /// </summary>
    public static void WriteHuggingFace(string folder, ModelConfig config, IEnumerable<TensorData> tensors)
    {
        Directory.CreateDirectory(folder);
        var safetensors = new SafetensorsWriter();
        safetensors.Metadata["format"] = "pt";
        foreach (var tensor in tensors)
        {
            var name = BertTensorNames.ToHuggingFace(tensor.Name)
                ?? throw new ArgumentException($"GGUF tensor '{tensor.Name}' has no BertModel name.", nameof(tensors));
            safetensors.Add(tensor.WithName(name));
        }
        safetensors.WriteTo(Path.Combine(folder, "model.safetensors"));
        WriteJson(Path.Combine(folder, "config.json"), json =>
        {
            json.WriteStartArray("architectures");
            json.WriteStringValue(BertModelConfig.ClassName);
            json.WriteEndArray();
            json.WriteString("model_type", BertModelConfig.Architecture);
            json.WriteNumber("vocab_size", config.VocabularySize);
            json.WriteNumber("hidden_size", config.HiddenSize);
            json.WriteNumber("num_hidden_layers", config.NumLayers);
            json.WriteNumber("num_attention_heads", config.NumHeads);
            json.WriteNumber("intermediate_size", config.IntermediateSize);
            json.WriteString("hidden_act", "gelu");
            json.WriteNumber("max_position_embeddings", config.ContextLength);
            json.WriteNumber("type_vocab_size", config.TokenTypeCount);
            json.WriteNumber("layer_norm_eps", double.Parse(config.LayerNormEpsilon.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));
            json.WriteString("position_embedding_type", "absolute");
            json.WriteNumber("pad_token_id", 0);
            json.WriteString("torch_dtype", "float32");
        });
        if (config.Pooling is { } pooling)
        {
            Directory.CreateDirectory(Path.Combine(folder, "1_Pooling"));
            WriteJson(Path.Combine(folder, PoolingTypes.SentenceTransformersConfig), json =>
            {
                json.WriteNumber("word_embedding_dimension", config.HiddenSize);
                json.WriteBoolean("pooling_mode_cls_token", pooling == PoolingType.Cls);
                json.WriteBoolean("pooling_mode_mean_tokens", pooling == PoolingType.Mean);
                json.WriteBoolean("pooling_mode_max_tokens", false);
                json.WriteBoolean("pooling_mode_mean_sqrt_len_tokens", false);
                json.WriteBoolean("pooling_mode_weightedmean_tokens", false);
                json.WriteBoolean("pooling_mode_lasttoken", pooling == PoolingType.Last);
            });
        }
    }

    private static void WriteJson(string path, Action<Utf8JsonWriter> body)
    {
        using var stream = File.Create(path);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        body(json);
        json.WriteEndObject();
    }
}
