using LlmEngine.Models.Gguf;
using LlmEngine.Models.HuggingFace;

namespace LlmEngine.Models;

/// <summary>
/// An opened model: its tensors (mapped, not copied) and configuration. Disposing it unmaps the tensors, so dispose it
/// only after every executor built over it.
/// </summary>
public sealed class LoadedModel : IDisposable
{
    /// <summary>Wraps an opened tensor source and its configuration; the model takes ownership of <paramref name="tensors"/>.</summary>
    public LoadedModel(ITensorSource tensors, ModelConfig config, ModelFormat format)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(config);
        Tensors = tensors;
        Config = config;
        Format = format;
    }

    /// <summary>The model's tensors in GGUF naming.</summary>
    public ITensorSource Tensors { get; }

    /// <summary>The model's hyperparameters.</summary>
    public ModelConfig Config { get; }

    /// <summary>The format it was loaded from.</summary>
    public ModelFormat Format { get; }

    /// <summary>The file or folder it was loaded from.</summary>
    public string SourcePath => Tensors.SourcePath;

    /// <summary>The GGUF file (for its tokenizer metadata) when <see cref="Format"/> is <see cref="ModelFormat.Gguf"/>; otherwise null.</summary>
    public GgufFile? Gguf => Tensors as GgufFile;

    /// <summary>The folder (for its tokenizer and generation config) when <see cref="Format"/> is <see cref="ModelFormat.HuggingFace"/>; otherwise null.</summary>
    public HuggingFaceModel? HuggingFace => Tensors as HuggingFaceModel;

    /// <inheritdoc />
    public void Dispose() => Tensors.Dispose();
}
