namespace LlmEngine.Tokenization;

/// <summary>Everything a <see cref="ModelTokenizer"/> is made of; filled by the GGUF and Hugging Face loaders.</summary>
internal sealed class TokenizerSettings
{
    /// <summary>Short name of the algorithm family (llama, gpt2, bert, hf-bpe), for diagnostics.</summary>
    public required string Kind { get; init; }

    /// <summary>The vocabulary, with attributes final.</summary>
    public required Vocabulary Vocabulary { get; init; }

    /// <summary>The per-fragment algorithm.</summary>
    public required ITokenizationModel Model { get; init; }

    /// <summary>How normal pieces decode.</summary>
    public required PieceDecoding PieceDecoding { get; init; }

    /// <summary>BOS id, if any.</summary>
    public int? BosTokenId { get; init; }

    /// <summary>EOS id, if any.</summary>
    public int? EosTokenId { get; init; }

    /// <summary>Separator appended after the text with special tokens (BERT's [SEP]), if any.</summary>
    public int? SeparatorTokenId { get; init; }

    /// <summary>Whether BOS is added.</summary>
    public bool AddBos { get; init; }

    /// <summary>Whether EOS is added.</summary>
    public bool AddEos { get; init; }

    /// <summary>Whether the separator is added.</summary>
    public bool AddSeparator { get; init; }

    /// <summary>Whether Decode removes one leading space (SentencePiece models that add a space prefix).</summary>
    public bool RemoveLeadingSpaceOnDecode { get; init; }

    /// <summary>End-of-generation ids, sorted.</summary>
    public required int[] EndOfGenerationTokenIds { get; init; }
}
