namespace LlmEngine.Models;

/// <summary>
/// A set of named tensors in mapped memory: a GGUF file or a Hugging Face safetensors folder. Names follow GGUF
/// conventions (<c>token_embd.weight</c>, <c>blk.N.attn_q.weight</c>, ...) whatever the format.
/// </summary>
public interface ITensorSource : IDisposable
{
    /// <summary>The file or folder the tensors come from, for messages.</summary>
    string SourcePath { get; }

    /// <summary>The names of all tensors.</summary>
    IReadOnlyCollection<string> TensorNames { get; }

    /// <summary>Finds a tensor by name.</summary>
    bool TryGetTensor(string name, out TensorView tensor);
}
