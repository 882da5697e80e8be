namespace LlmEngine.Tokenization;

/// <summary>How a normal vocabulary piece turns back into text bytes.</summary>
internal enum PieceDecoding
{
    /// <summary>SentencePiece and WordPiece pieces: UTF-8 of the piece with ▁ read as a space.</summary>
    SpaceSymbol,

    /// <summary>GPT-2 byte-level pieces: each character stands for one byte.</summary>
    ByteLevel,
}
