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
    /// <c>config.json</c>, <c>model.safetensors</c>, <c>tokenizer.json</c> and <c>tokenizer_config.json</c> for the
    /// vocabulary of <paramref name="tokenizer"/> (converted back from llama.cpp's form, see
    /// <see cref="WriteTokenizer"/>) and, when <see cref="ModelConfig.Pooling"/> is set, sentence-transformers'
    /// <c>1_Pooling/config.json</c>.
    /// </summary>
    public static void WriteHuggingFace(string folder, ModelConfig config, IEnumerable<TensorData> tensors, GgufMetadata tokenizer)
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
        WriteTokenizer(folder, tokenizer);
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

    /// <summary>
    /// Writes the <c>tokenizer.json</c> (WordPiece, <c>BertNormalizer</c>, <c>[CLS]</c>/<c>[SEP]</c> template) and
    /// <c>tokenizer_config.json</c> of a GGUF bert vocabulary, undoing llama.cpp's conversion: ▁-prefixed pieces start a
    /// word, other pieces get <c>##</c> back, bracketed and control tokens stay as they are.
    /// </summary>
    public static void WriteTokenizer(string folder, GgufMetadata tokenizer)
    {
        var tokens = tokenizer.Tokens ?? throw new ArgumentException("The metadata has no tokenizer.ggml.tokens.", nameof(tokenizer));
        var types = tokenizer.TokenTypes;
        var lowercase = tokenizer.GetBool("tokenizer.ggml.normalizer.lowercase") ?? true;
        string Name(long? id, string fallback) => id is { } i && i >= 0 && i < tokens.Length ? tokens[i] : fallback;
        var cls = Name(tokenizer.GetInteger("tokenizer.ggml.cls_token_id") ?? tokenizer.BosTokenId, "[CLS]");
        var sep = Name(tokenizer.GetInteger("tokenizer.ggml.seperator_token_id"), "[SEP]");
        var unk = Name(tokenizer.UnknownTokenId, "[UNK]");
        var pad = Name(tokenizer.PaddingTokenId, "[PAD]");
        var mask = Name(tokenizer.GetInteger("tokenizer.ggml.mask_token_id"), "[MASK]");
        WriteJson(Path.Combine(folder, "tokenizer.json"), json =>
        {
            json.WriteString("version", "1.0");
            json.WriteNull("truncation");
            json.WriteNull("padding");
            json.WriteStartArray("added_tokens");
            for (var id = 0; id < tokens.Length; id++)
            {
                if (types is not null && types[id] == 3)
                {
                    json.WriteStartObject();
                    json.WriteNumber("id", id);
                    json.WriteString("content", tokens[id]);
                    json.WriteBoolean("single_word", false);
                    json.WriteBoolean("lstrip", false);
                    json.WriteBoolean("rstrip", false);
                    json.WriteBoolean("normalized", false);
                    json.WriteBoolean("special", true);
                    json.WriteEndObject();
                }
            }
            json.WriteEndArray();
            json.WriteStartObject("normalizer");
            json.WriteString("type", "BertNormalizer");
            json.WriteBoolean("clean_text", true);
            json.WriteBoolean("handle_chinese_chars", true);
            json.WriteNull("strip_accents");
            json.WriteBoolean("lowercase", lowercase);
            json.WriteEndObject();
            json.WriteStartObject("pre_tokenizer");
            json.WriteString("type", "BertPreTokenizer");
            json.WriteEndObject();
            json.WriteStartObject("post_processor");
            json.WriteString("type", "TemplateProcessing");
            json.WriteStartArray("single");
            WriteTemplatePiece(json, "SpecialToken", cls);
            WriteTemplatePiece(json, "Sequence", "A");
            WriteTemplatePiece(json, "SpecialToken", sep);
            json.WriteEndArray();
            json.WriteStartObject("special_tokens");
            foreach (var special in (ReadOnlySpan<string>)[cls, sep])
            {
                json.WriteStartObject(special);
                json.WriteString("id", special);
                json.WriteStartArray("ids");
                json.WriteNumberValue(Array.IndexOf(tokens, special));
                json.WriteEndArray();
                json.WriteStartArray("tokens");
                json.WriteStringValue(special);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteStartObject("decoder");
            json.WriteString("type", "WordPiece");
            json.WriteString("prefix", "##");
            json.WriteBoolean("cleanup", true);
            json.WriteEndObject();
            json.WriteStartObject("model");
            json.WriteString("type", "WordPiece");
            json.WriteString("unk_token", unk);
            json.WriteString("continuing_subword_prefix", "##");
            json.WriteNumber("max_input_chars_per_word", 100);
            json.WriteStartObject("vocab");
            for (var id = 0; id < tokens.Length; id++)
            {
                var token = tokens[id];
                var kept = (types is not null && types[id] == 3) || (token.Length > 1 && token[0] == '[' && token[^1] == ']');
                json.WriteNumber(kept ? token : token.StartsWith('\u2581') ? token[1..] : "##" + token, id);
            }
            json.WriteEndObject();
            json.WriteEndObject();
        });
        WriteJson(Path.Combine(folder, "tokenizer_config.json"), json =>
        {
            json.WriteString("tokenizer_class", "BertTokenizer");
            json.WriteBoolean("do_lower_case", lowercase);
            json.WriteString("cls_token", cls);
            json.WriteString("sep_token", sep);
            json.WriteString("unk_token", unk);
            json.WriteString("pad_token", pad);
            json.WriteString("mask_token", mask);
            json.WriteNumber("model_max_length", 512);
        });
    }

    private static void WriteTemplatePiece(Utf8JsonWriter json, string kind, string id)
    {
        json.WriteStartObject();
        json.WriteStartObject(kind);
        json.WriteString("id", id);
        json.WriteNumber("type_id", 0);
        json.WriteEndObject();
        json.WriteEndObject();
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
