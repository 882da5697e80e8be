namespace LlmEngine.Models.Architectures;

/// <summary>
/// What sets a supported decoder architecture apart: how its tensors are laid out and which rope pairing its GGUFs use.
/// Every architecture here is a pre-norm RMSNorm transformer with rotary attention (GQA) and a SwiGLU feed-forward.
/// </summary>
/// <param name="Name">The architecture's GGUF name (<c>general.architecture</c>).</param>
/// <param name="GgufRopeStyle">Rope pairing of the architecture's GGUF files.</param>
/// <param name="QkNorm">Per-head RMS norm of Q and K before rope (<c>attn_q_norm</c>, <c>attn_k_norm</c>).</param>
internal sealed record ArchitectureLayout(string Name, RopeStyle GgufRopeStyle, bool QkNorm)
{
    private static readonly ArchitectureLayout[] s_all =
    [
        new("llama", RopeStyle.Normal, QkNorm: false),
        new("mistral", RopeStyle.Normal, QkNorm: false),
        new("qwen2", RopeStyle.Neox, QkNorm: false),
        new("qwen3", RopeStyle.Neox, QkNorm: true),
        new("phi3", RopeStyle.Neox, QkNorm: false),
    ];

    /// <summary>The names of the supported architectures, for messages.</summary>
    public static string SupportedNames => string.Join(", ", Array.ConvertAll(s_all, a => a.Name));

    /// <summary>Finds the layout of <paramref name="architecture"/>, or null when it is not supported.</summary>
    public static ArchitectureLayout? Find(string? architecture)
    {
        foreach (var layout in s_all)
        {
            if (string.Equals(layout.Name, architecture, StringComparison.Ordinal))
            {
                return layout;
            }
        }
        return null;
    }
}
