namespace LlmEngine.Tokenization;

/// <summary>Per-token attributes, as llama.cpp derives them from GGUF token types (and Hugging Face from added tokens).</summary>
[Flags]
internal enum TokenAttributes
{
    /// <summary>No attribute (GGUF type 0, undefined).</summary>
    None = 0,

    /// <summary>The unknown token.</summary>
    Unknown = 1 << 0,

    /// <summary>Unused/reserved token: contributes no text.</summary>
    Unused = 1 << 1,

    /// <summary>An ordinary vocabulary piece.</summary>
    Normal = 1 << 2,

    /// <summary>A control token (BOS, EOS, chat markers): parsed only when special tokens are parsed; skippable.</summary>
    Control = 1 << 3,

    /// <summary>A user-defined token: always split out of the text before tokenization, never skipped.</summary>
    UserDefined = 1 << 4,

    /// <summary>A byte-fallback token such as <c>&lt;0x0A&gt;</c>.</summary>
    Byte = 1 << 5,

    /// <summary>Whitespace to the left of the token is removed when it is split out of the text.</summary>
    LeftStrip = 1 << 6,

    /// <summary>Whitespace to the right of the token is removed when it is split out of the text.</summary>
    RightStrip = 1 << 7,
}

/// <summary>Conversions from GGUF token types.</summary>
internal static class TokenAttributesExtensions
{
    /// <summary>llama.cpp's mapping of <c>tokenizer.ggml.token_type</c> values to attributes.</summary>
    public static TokenAttributes FromGgufTokenType(int type) => type switch
    {
        1 => TokenAttributes.Normal,
        2 => TokenAttributes.Unknown,
        3 => TokenAttributes.Control,
        4 => TokenAttributes.UserDefined,
        5 => TokenAttributes.Unused,
        6 => TokenAttributes.Byte,
        _ => TokenAttributes.None,
    };
}
