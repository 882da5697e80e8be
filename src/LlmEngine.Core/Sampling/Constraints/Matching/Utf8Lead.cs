namespace LlmEngine.Sampling.Constraints.Matching;

/// <summary>What a byte at the start of a UTF-8 character says about the bytes that must follow it (RFC 3629).</summary>
internal static class Utf8Lead
{
    /// <summary>
    /// How many continuation bytes follow <paramref name="b"/>, and the range the first of them must lie in (the others:
    /// 0x80..0xBF; the narrower first ranges exclude overlong forms, surrogates and code points past U+10FFFF).
    /// ASCII gives 0 continuations; a byte that cannot start a well-formed character gives -1.
    /// </summary>
    public static (int Continuations, int Lo, int Hi) Describe(byte b) => b switch
    {
        < 0x80 => (0, 0, 0),
        >= 0xC2 and <= 0xDF => (1, 0x80, 0xBF),
        0xE0 => (2, 0xA0, 0xBF),
        0xED => (2, 0x80, 0x9F),
        >= 0xE1 and <= 0xEF => (2, 0x80, 0xBF),
        0xF0 => (3, 0x90, 0xBF),
        >= 0xF1 and <= 0xF3 => (3, 0x80, 0xBF),
        0xF4 => (3, 0x80, 0x8F),
        _ => (-1, 0, 0),
    };
}
