namespace LlmEngine.Tokenization.HuggingFace;

/// <summary>A Hugging Face normalizer, applied to each text fragment between special tokens.</summary>
internal interface INormalizer
{
    /// <summary>Normalizes <paramref name="text"/>; <paramref name="atInputStart"/> says whether it begins the whole input.</summary>
    string Normalize(ReadOnlySpan<char> text, bool atInputStart);
}
