namespace LlmEngine.Models.Quantization;

/// <summary>The 16 non-linear levels of IQ4_NL and IQ4_XS (ggml's <c>kvalues_iq4nl</c>).</summary>
internal static class IQ4Values
{
    public static ReadOnlySpan<sbyte> Levels => [-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113];
}
