using LlmEngine.Tokenization.HuggingFace;
using LlmEngine.Tokenization.PreTokenization;

namespace LlmEngine.Tokenization;

/// <summary>How a <see cref="BytePairModel"/> prepares words and handles characters that are not in the vocabulary.</summary>
internal sealed class BytePairOptions
{
    /// <summary>Normalizer applied to each fragment first (Hugging Face), or null.</summary>
    public INormalizer? Normalizer { get; init; }

    /// <summary>Splits a fragment into words, or null for one word per fragment.</summary>
    public IPreTokenizer? PreTokenizer { get; init; }

    /// <summary>Words are UTF-8 bytes written as GPT-2 byte characters.</summary>
    public bool ByteLevel { get; init; }

    /// <summary>A word that is a token is emitted whole without merging.</summary>
    public bool IgnoreMerges { get; init; }

    /// <summary>
    /// Unknown characters are replaced before merging, by byte tokens or the unknown token (Hugging Face); otherwise they
    /// stay as symbols and fall back to one-byte tokens afterwards (llama.cpp).
    /// </summary>
    public bool HuggingFaceFallback { get; init; }

    /// <summary>Hugging Face <c>byte_fallback</c>: unknown characters become <c>&lt;0xNN&gt;</c> tokens.</summary>
    public bool ByteFallback { get; init; }

    /// <summary>The unknown token, or -1.</summary>
    public int UnknownTokenId { get; init; } = -1;

    /// <summary>Consecutive unknown characters become one unknown token.</summary>
    public bool FuseUnknown { get; init; }
}
