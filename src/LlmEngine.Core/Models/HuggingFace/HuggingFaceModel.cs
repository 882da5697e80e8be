using LlmEngine.Models.Architectures;
using LlmEngine.Models.Safetensors;

namespace LlmEngine.Models.HuggingFace;

/// <summary>
/// A Hugging Face model folder: <c>config.json</c> as a <see cref="ModelConfig"/>, <c>generation_config.json</c>,
/// the safetensors weights (one file or shards) memory-mapped, and the paths of the tokenizer files. Tensors are
/// exposed under GGUF names; Q and K stay in Hugging Face's rotate-half order, which
/// <see cref="ModelConfig.RopeStyle"/> (always <see cref="RopeStyle.Neox"/>) tells the forward pass.
/// </summary>
public sealed class HuggingFaceModel : ITensorSource
{
    /// <summary>The file holding the model's hyperparameters.</summary>
    public const string ConfigFileName = "config.json";

    /// <summary>The file holding generation defaults (optional).</summary>
    public const string GenerationConfigFileName = "generation_config.json";

    private readonly List<SafetensorsFile> _shards;
    private readonly Dictionary<string, (SafetensorsFile Shard, SafetensorsTensorInfo Info)> _byGgufName;
    private bool _disposed;

    private HuggingFaceModel(
        string folder,
        ModelConfig config,
        string className,
        string modelType,
        HuggingFaceGenerationConfig? generation,
        List<SafetensorsFile> shards,
        Dictionary<string, (SafetensorsFile, SafetensorsTensorInfo)> byGgufName,
        List<string> unmapped)
    {
        SourcePath = folder;
        Config = config;
        ArchitectureClassName = className;
        ModelType = modelType;
        GenerationConfig = generation;
        _shards = shards;
        _byGgufName = byGgufName;
        UnmappedTensorNames = unmapped;
        ConfigPath = Path.Combine(folder, ConfigFileName);
        TokenizerPath = OptionalFile(folder, "tokenizer.json");
        TokenizerConfigPath = OptionalFile(folder, "tokenizer_config.json");
        SpecialTokensMapPath = OptionalFile(folder, "special_tokens_map.json");
        ChatTemplatePath = OptionalFile(folder, "chat_template.jinja");
    }

    /// <summary>The model folder's full path.</summary>
    public string SourcePath { get; }

    /// <summary>The hyperparameters, in the engine's terms.</summary>
    public ModelConfig Config { get; }

    /// <summary>The Transformers class the config names (<c>Qwen2ForCausalLM</c>), or the model type when it names none.</summary>
    public string ArchitectureClassName { get; }

    /// <summary><c>model_type</c> from <c>config.json</c> (empty when absent).</summary>
    public string ModelType { get; }

    /// <summary><c>generation_config.json</c>, or null when the folder has none.</summary>
    public HuggingFaceGenerationConfig? GenerationConfig { get; }

    /// <summary>Full path of <c>config.json</c>.</summary>
    public string ConfigPath { get; }

    /// <summary>Full path of <c>tokenizer.json</c>, or null when absent.</summary>
    public string? TokenizerPath { get; }

    /// <summary>Full path of <c>tokenizer_config.json</c> (special tokens, chat template), or null when absent.</summary>
    public string? TokenizerConfigPath { get; }

    /// <summary>Full path of <c>special_tokens_map.json</c>, or null when absent.</summary>
    public string? SpecialTokensMapPath { get; }

    /// <summary>Full path of <c>chat_template.jinja</c> (newer Transformers store the template there), or null when absent.</summary>
    public string? ChatTemplatePath { get; }

    /// <summary>The mapped safetensors files (one, or every shard).</summary>
    public IReadOnlyList<SafetensorsFile> Shards => _shards;

    /// <inheritdoc />
    public IReadOnlyCollection<string> TensorNames => _byGgufName.Keys;

    /// <summary>Stored tensors with no GGUF counterpart (for example old checkpoints' <c>rotary_emb.inv_freq</c>); not exposed as tensors.</summary>
    public IReadOnlyList<string> UnmappedTensorNames { get; }

    /// <summary>
    /// Opens a model folder. Throws <see cref="ModelLoadException"/> naming the folder or file: a missing folder,
    /// <c>config.json</c> or weights, malformed JSON (with its position), an unsupported architecture, or corrupt weights.
    /// </summary>
    public static HuggingFaceModel Open(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        var full = Path.GetFullPath(folder);
        if (!Directory.Exists(full))
        {
            throw new ModelLoadException(full, "model folder not found");
        }
        var configPath = Path.Combine(full, ConfigFileName);
        if (!File.Exists(configPath))
        {
            throw new ModelLoadException(full, $"{ConfigFileName} not found in the model folder");
        }
        var generationPath = Path.Combine(full, GenerationConfigFileName);
        var generation = File.Exists(generationPath) ? JsonObjectReader.ReadFile(generationPath, HuggingFaceGenerationConfig.Read) : null;
        var (config, className, modelType) = JsonObjectReader.ReadFile(configPath, json => HuggingFaceConfigReader.Read(json, generation));

        var (shards, stored) = SafetensorsCheckpoint.Open(full);
        try
        {
            var byGgufName = new Dictionary<string, (SafetensorsFile, SafetensorsTensorInfo)>(StringComparer.Ordinal);
            var unmapped = new List<string>();
            foreach (var (name, entry) in stored)
            {
                var mapped = config.IsEncoderOnly ? BertTensorNames.ToGguf(name) : HuggingFaceTensorNames.ToGguf(name);
                if (mapped is not { } ggufName)
                {
                    unmapped.Add(name);
                }
                else if (!byGgufName.TryAdd(ggufName, entry))
                {
                    throw new ModelLoadException(full, $"tensors '{name}' and '{byGgufName[ggufName].Item2.Name}' both map to '{ggufName}'");
                }
            }
            if (!config.IsEncoderOnly && !config.TiedEmbeddings && !byGgufName.ContainsKey("output.weight") && byGgufName.ContainsKey("token_embd.weight"))
            {
                throw new ModelLoadException(full, "lm_head.weight is missing and config.json does not set tie_word_embeddings");
            }
            return new HuggingFaceModel(full, config, className, modelType, generation, shards, byGgufName, unmapped);
        }
        catch
        {
            foreach (var shard in shards)
            {
                shard.Dispose();
            }
            throw;
        }
    }

    /// <inheritdoc />
    /// <remarks>Throws <see cref="ModelLoadException"/> when the tensor's dtype is not F32, F16 or BF16.</remarks>
    public bool TryGetTensor(string name, out TensorView tensor)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_byGgufName.TryGetValue(name, out var entry))
        {
            tensor = entry.Shard.GetView(entry.Info, name);
            return true;
        }
        tensor = default;
        return false;
    }

    /// <summary>The stored (Hugging Face) name of the tensor exposed as <paramref name="ggufName"/>, or null.</summary>
    public string? FindStoredName(string ggufName) => _byGgufName.TryGetValue(ggufName, out var entry) ? entry.Info.Name : null;

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        foreach (var shard in _shards)
        {
            shard.Dispose();
        }
    }

    private static string? OptionalFile(string folder, string name)
    {
        var path = Path.Combine(folder, name);
        return File.Exists(path) ? path : null;
    }
}
