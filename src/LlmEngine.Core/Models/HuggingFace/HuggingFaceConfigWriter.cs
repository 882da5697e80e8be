using System.Globalization;
using System.Text.Json;

namespace LlmEngine.Models.HuggingFace;

/// <summary>Writes <c>config.json</c> and <c>generation_config.json</c> as Transformers would for a <see cref="ModelConfig"/>.</summary>
internal static class HuggingFaceConfigWriter
{
    private static readonly JsonWriterOptions s_options = new() { Indented = true };

    public static void WriteConfig(string path, ModelConfig config, string torchDtype)
    {
        var (className, modelType) = HuggingFaceArchitectures.ToHuggingFace(config.Architecture)
            ?? throw new ArgumentException($"Architecture '{config.Architecture}' has no Transformers equivalent; supported: {HuggingFaceArchitectures.Supported}.", nameof(config));
        using var stream = File.Create(path);
        using var json = new Utf8JsonWriter(stream, s_options);
        json.WriteStartObject();
        json.WriteStartArray("architectures");
        json.WriteStringValue(className);
        json.WriteEndArray();
        json.WriteString("model_type", modelType);
        json.WriteNumber("vocab_size", config.VocabularySize);
        json.WriteNumber("hidden_size", config.HiddenSize);
        json.WriteNumber("intermediate_size", config.IntermediateSize);
        json.WriteNumber("num_hidden_layers", config.NumLayers);
        json.WriteNumber("num_attention_heads", config.NumHeads);
        json.WriteNumber("num_key_value_heads", config.NumKvHeads);
        json.WriteNumber("head_dim", config.HeadDim);
        json.WriteNumber("max_position_embeddings", config.ContextLength);
        json.WriteNumber("rms_norm_eps", Shortest(config.RmsNormEpsilon));
        json.WriteNumber("rope_theta", Shortest(config.RopeTheta));
        if (config.RopeDimensions != config.HeadDim)
        {
            json.WriteNumber("partial_rotary_factor", (double)config.RopeDimensions / config.HeadDim);
        }
        json.WriteBoolean("tie_word_embeddings", config.TiedEmbeddings);
        json.WriteString("hidden_act", "silu");
        json.WriteString("torch_dtype", torchDtype);
        if (config.BosTokenId is { } bos)
        {
            json.WriteNumber("bos_token_id", bos);
        }
        WriteIds(json, "eos_token_id", config.EosTokenIds);
        WriteRopeScaling(json, config.RopeScaling);
        json.WriteEndObject();
    }

    public static void WriteGenerationConfig(string path, HuggingFaceGenerationConfig generation)
    {
        using var stream = File.Create(path);
        using var json = new Utf8JsonWriter(stream, s_options);
        json.WriteStartObject();
        if (generation.BosTokenId is { } bos)
        {
            json.WriteNumber("bos_token_id", bos);
        }
        WriteIds(json, "eos_token_id", generation.EosTokenIds);
        if (generation.PadTokenId is { } pad)
        {
            json.WriteNumber("pad_token_id", pad);
        }
        if (generation.DoSample is { } doSample)
        {
            json.WriteBoolean("do_sample", doSample);
        }
        WriteOptional(json, "temperature", generation.Temperature);
        WriteOptional(json, "top_p", generation.TopP);
        if (generation.TopK is { } topK)
        {
            json.WriteNumber("top_k", topK);
        }
        WriteOptional(json, "min_p", generation.MinP);
        WriteOptional(json, "repetition_penalty", generation.RepetitionPenalty);
        if (generation.MaxNewTokens is { } maxNewTokens)
        {
            json.WriteNumber("max_new_tokens", maxNewTokens);
        }
        json.WriteEndObject();
    }

    private static void WriteRopeScaling(Utf8JsonWriter json, RopeScaling? scaling)
    {
        if (scaling is null || scaling.Type == "none")
        {
            json.WriteNull("rope_scaling");
            return;
        }
        if (scaling.Type == "longrope")
        {
            // Phi-3 reads the original context beside rope_scaling, not inside it.
            json.WriteNumber("original_max_position_embeddings", scaling.OriginalContextLength);
        }
        json.WriteStartObject("rope_scaling");
        json.WriteString("rope_type", scaling.Type);
        json.WriteNumber("factor", scaling.Factor);
        switch (scaling.Type)
        {
            case "llama3":
                json.WriteNumber("low_freq_factor", scaling.LowFrequencyFactor);
                json.WriteNumber("high_freq_factor", scaling.HighFrequencyFactor);
                json.WriteNumber("original_max_position_embeddings", scaling.OriginalContextLength);
                break;
            case "yarn":
                json.WriteNumber("original_max_position_embeddings", scaling.OriginalContextLength);
                break;
            case "longrope":
                WriteFloats(json, "short_factor", scaling.ShortFactors);
                WriteFloats(json, "long_factor", scaling.LongFactors);
                break;
            case "linear":
                break;
            default:
                throw new ArgumentException($"Rope scaling '{scaling.Type}' cannot be written; linear, llama3, longrope and yarn can.", nameof(scaling));
        }
        json.WriteEndObject();
    }

    private static void WriteIds(Utf8JsonWriter json, string key, IReadOnlyList<int> ids)
    {
        if (ids.Count == 1)
        {
            json.WriteNumber(key, ids[0]);
        }
        else if (ids.Count > 1)
        {
            json.WriteStartArray(key);
            foreach (var id in ids)
            {
                json.WriteNumberValue(id);
            }
            json.WriteEndArray();
        }
    }

    private static void WriteFloats(Utf8JsonWriter json, string key, float[]? values)
    {
        json.WriteStartArray(key);
        foreach (var v in values ?? [])
        {
            json.WriteNumberValue(Shortest(v));
        }
        json.WriteEndArray();
    }

    private static void WriteOptional(Utf8JsonWriter json, string key, float? value)
    {
        if (value is { } v)
        {
            json.WriteNumber(key, Shortest(v));
        }
    }

    // Through the float's shortest decimal text, so 0.6f is written as 0.6 rather than 0.6000000238418579; it reads back as the same float.
    private static double Shortest(float value) =>
        double.Parse(value.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
}
