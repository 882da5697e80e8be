using System.Text.Json;
using LlmEngine.Models.Safetensors;

namespace LlmEngine.Models.HuggingFace;

/// <summary>
/// Writes a Hugging Face model folder that <see cref="HuggingFaceModel.Open"/> (and Transformers) can load:
/// <c>config.json</c> and <c>generation_config.json</c> for a <see cref="ModelConfig"/>, and the tensors as
/// <c>model.safetensors</c> or as shards with <c>model.safetensors.index.json</c>. Tensor bytes are streamed.
/// Tokenizer files are not written.
/// </summary>
public static class HuggingFaceFolderWriter
{
    /// <summary>
    /// Writes <paramref name="tensors"/>, given under Hugging Face names and in Hugging Face (rotate-half) layout, to
    /// <paramref name="folder"/> (created if needed). <see cref="ModelConfig.RopeStyle"/> is not written: Hugging Face
    /// checkpoints are always rotate-half. With <paramref name="maxShardBytes"/> above zero the tensors are split into
    /// shards of at most that size (a larger tensor gets a shard of its own). The generation config defaults to the
    /// config's BOS and EOS ids.
    /// </summary>
    public static void Write(
        string folder,
        ModelConfig config,
        IEnumerable<TensorData> tensors,
        HuggingFaceGenerationConfig? generation = null,
        long maxShardBytes = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(tensors);
        Directory.CreateDirectory(folder);
        var list = tensors.ToList();
        var shards = Split(list, maxShardBytes);
        if (shards.Count <= 1)
        {
            WriteShard(Path.Combine(folder, SafetensorsCheckpoint.SingleFileName), list);
        }
        else
        {
            var weightMap = new List<(string Tensor, string Shard)>();
            for (var i = 0; i < shards.Count; i++)
            {
                var name = $"model-{i + 1:D5}-of-{shards.Count:D5}.safetensors";
                WriteShard(Path.Combine(folder, name), shards[i]);
                foreach (var tensor in shards[i])
                {
                    weightMap.Add((tensor.Name, name));
                }
            }
            WriteIndex(Path.Combine(folder, SafetensorsCheckpoint.IndexFileName), weightMap, list.Sum(t => t.ByteLength));
        }
        HuggingFaceConfigWriter.WriteConfig(Path.Combine(folder, HuggingFaceModel.ConfigFileName), config, TorchDtype(list));
        HuggingFaceConfigWriter.WriteGenerationConfig(
            Path.Combine(folder, HuggingFaceModel.GenerationConfigFileName),
            generation ?? new HuggingFaceGenerationConfig { BosTokenId = config.BosTokenId, EosTokenIds = config.EosTokenIds });
    }

    /// <summary>
    /// Writes GGUF-named tensors of a model described by <paramref name="ggufConfig"/> as a Hugging Face folder,
    /// converting each with <see cref="HuggingFaceTensorConversion.FromGguf"/> (Q and K un-permuted for
    /// <see cref="RopeStyle.Normal"/> models; <c>rope_freqs.weight</c> left out).
    /// </summary>
    public static void WriteFromGguf(
        string folder,
        ModelConfig ggufConfig,
        IEnumerable<TensorData> ggufTensors,
        HuggingFaceGenerationConfig? generation = null,
        long maxShardBytes = 0)
    {
        ArgumentNullException.ThrowIfNull(ggufConfig);
        ArgumentNullException.ThrowIfNull(ggufTensors);
        var converted = new List<TensorData>();
        foreach (var tensor in ggufTensors)
        {
            if (HuggingFaceTensorConversion.FromGguf(tensor, ggufConfig) is { } hf)
            {
                converted.Add(hf);
            }
        }
        Write(folder, ggufConfig with { RopeStyle = RopeStyle.Neox }, converted, generation, maxShardBytes);
    }

    private static List<List<TensorData>> Split(List<TensorData> tensors, long maxShardBytes)
    {
        var shards = new List<List<TensorData>> { new() };
        long size = 0;
        foreach (var tensor in tensors)
        {
            if (maxShardBytes > 0 && size > 0 && size + tensor.ByteLength > maxShardBytes)
            {
                shards.Add([]);
                size = 0;
            }
            shards[^1].Add(tensor);
            size += tensor.ByteLength;
        }
        return shards;
    }

    private static void WriteShard(string path, List<TensorData> tensors)
    {
        var writer = new SafetensorsWriter();
        writer.Metadata["format"] = "pt";
        foreach (var tensor in tensors)
        {
            writer.Add(tensor);
        }
        writer.WriteTo(path);
    }

    private static void WriteIndex(string path, List<(string Tensor, string Shard)> weightMap, long totalSize)
    {
        using var stream = File.Create(path);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteStartObject("metadata");
        json.WriteNumber("total_size", totalSize);
        json.WriteEndObject();
        json.WriteStartObject("weight_map");
        foreach (var (tensor, shard) in weightMap)
        {
            json.WriteString(tensor, shard);
        }
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static string TorchDtype(List<TensorData> tensors)
    {
        foreach (var tensor in tensors)
        {
            // The type of the matrices, not of norms that writers often keep in F32.
            if (tensor.Shape.Length >= 2)
            {
                return tensor.Type switch
                {
                    GgmlType.F16 => "float16",
                    GgmlType.BF16 => "bfloat16",
                    _ => "float32",
                };
            }
        }
        return "float32";
    }
}
