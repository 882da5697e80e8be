namespace LlmEngine.Models.HuggingFace;

/// <summary>
/// The Transformers model classes the engine runs, with their <c>model_type</c> and our (GGUF-style) architecture name.
/// </summary>
internal static class HuggingFaceArchitectures
{
    private static readonly (string ClassName, string ModelType, string Architecture, float DefaultRmsNormEpsilon)[] s_known =
    [
        ("LlamaForCausalLM", "llama", "llama", 1e-6f),
        ("MistralForCausalLM", "mistral", "mistral", 1e-6f),
        ("Qwen2ForCausalLM", "qwen2", "qwen2", 1e-6f),
        ("Qwen3ForCausalLM", "qwen3", "qwen3", 1e-6f),
        ("Phi3ForCausalLM", "phi3", "phi3", 1e-5f),
    ];

    /// <summary>The supported class names, for messages.</summary>
    public static string Supported => string.Join(", ", s_known.Select(k => k.ClassName));

    /// <summary>Our architecture name for a Transformers class name, or null.</summary>
    public static string? FromClassName(string className)
    {
        foreach (var k in s_known)
        {
            if (k.ClassName == className)
            {
                return k.Architecture;
            }
        }
        return null;
    }

    /// <summary>Our architecture name for a <c>model_type</c>, or null.</summary>
    public static string? FromModelType(string modelType)
    {
        foreach (var k in s_known)
        {
            if (k.ModelType == modelType)
            {
                return k.Architecture;
            }
        }
        return null;
    }

    /// <summary>The Transformers class name and <c>model_type</c> for our architecture name, or null.</summary>
    public static (string ClassName, string ModelType)? ToHuggingFace(string architecture)
    {
        foreach (var k in s_known)
        {
            if (k.Architecture == architecture)
            {
                return (k.ClassName, k.ModelType);
            }
        }
        return null;
    }

    /// <summary>Transformers' default <c>rms_norm_eps</c> for the architecture's config class.</summary>
    public static float DefaultRmsNormEpsilon(string architecture)
    {
        foreach (var k in s_known)
        {
            if (k.Architecture == architecture)
            {
                return k.DefaultRmsNormEpsilon;
            }
        }
        return 1e-6f;
    }
}
