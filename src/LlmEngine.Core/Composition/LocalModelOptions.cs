namespace LlmEngine.Composition;

/// <summary>
/// What to serve and how: the model path (vLLM's <c>MODEL</c>), its served name, an explicit chat template, and the
/// engine settings. Bindable from configuration; <see cref="Validate"/> runs when the model loads.
/// </summary>
public sealed class LocalModelOptions
{
    /// <summary>A <c>.gguf</c> file or a Hugging Face folder (config.json + safetensors + tokenizer.json). Required.</summary>
    public string? Model { get; set; }

    /// <summary>The name clients use for the model (vLLM's <c>--served-model-name</c>); defaults to the file or folder name.</summary>
    public string? ServedModelName { get; set; }

    /// <summary>An explicit chat template: a file path or the template text (vLLM's <c>--chat-template</c>).</summary>
    public string? ChatTemplate { get; set; }

    /// <summary>KV-cache memory budget in bytes for the CPU executor; null uses the executor's default (4 GiB, capped by need).</summary>
    public long? KVCacheMemoryBytes { get; set; }

    /// <summary>The engine's settings (block size, batch limits, threads, prefix caching, scheduling policy).</summary>
    public LlmEngineOptions Engine { get; set; } = new();

    /// <summary>Checks every option, throwing an <see cref="ArgumentException"/> naming the option and the allowed values.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Model))
        {
            throw new ArgumentException("LocalModelOptions.Model is required: the path of a .gguf file or a Hugging Face folder.", nameof(Model));
        }
        if (ServedModelName is not null && string.IsNullOrWhiteSpace(ServedModelName))
        {
            throw new ArgumentException("LocalModelOptions.ServedModelName must not be empty or whitespace when set.", nameof(ServedModelName));
        }
        if (KVCacheMemoryBytes is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(KVCacheMemoryBytes), KVCacheMemoryBytes, "LocalModelOptions.KVCacheMemoryBytes must be at least 1 byte when set.");
        }
        ArgumentNullException.ThrowIfNull(Engine, nameof(Engine));
        Engine.Validate();
    }
}
