namespace LlmEngine.Models;

/// <summary>The on-disk format a model was loaded from.</summary>
public enum ModelFormat
{
    /// <summary>A single GGUF file.</summary>
    Gguf,

    /// <summary>A Hugging Face folder: <c>config.json</c> and safetensors.</summary>
    HuggingFace,
}
