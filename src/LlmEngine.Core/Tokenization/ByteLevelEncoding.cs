namespace LlmEngine.Tokenization;

/// <summary>
/// GPT-2's reversible byte-to-character map: printable Latin-1 bytes stand for themselves, the other bytes are moved
/// to U+0100 and up, so every byte string is a string of visible characters.
/// </summary>
internal static class ByteLevelEncoding
{
    private static readonly char[] s_byteToChar = BuildByteToChar();
    private static readonly Dictionary<char, byte> s_charToByte = BuildCharToByte();

    /// <summary>The character that stands for <paramref name="value"/>.</summary>
    public static char ToChar(byte value) => s_byteToChar[value];

    /// <summary>The byte a character stands for, if it is one of the 256 mapped characters.</summary>
    public static bool TryGetByte(char c, out byte value) => s_charToByte.TryGetValue(c, out value);

    /// <summary>Decodes a byte-level piece; characters outside the map keep their own UTF-8 bytes.</summary>
    public static byte[] Decode(string piece)
    {
        var bytes = new List<byte>(piece.Length);
        Span<byte> utf8 = stackalloc byte[4];
        for (int i = 0; i < piece.Length; i++)
        {
            if (TryGetByte(piece[i], out byte b))
            {
                bytes.Add(b);
                continue;
            }
            int width = char.IsSurrogatePair(piece, i) ? 2 : 1;
            int count = System.Text.Encoding.UTF8.GetBytes(piece.AsSpan(i, width), utf8);
            for (int k = 0; k < count; k++)
            {
                bytes.Add(utf8[k]);
            }
            i += width - 1;
        }
        return [.. bytes];
    }

    private static char[] BuildByteToChar()
    {
        var map = new char[256];
        var assigned = new bool[256];
        for (int b = 0; b < 256; b++)
        {
            if (b is >= 0x21 and <= 0x7E or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF)
            {
                map[b] = (char)b;
                assigned[b] = true;
            }
        }
        int next = 0;
        for (int b = 0; b < 256; b++)
        {
            if (!assigned[b])
            {
                map[b] = (char)(256 + next++);
            }
        }
        return map;
    }

    private static Dictionary<char, byte> BuildCharToByte()
    {
        var map = new Dictionary<char, byte>(256);
        for (int b = 0; b < 256; b++)
        {
            map[s_byteToChar[b]] = (byte)b;
        }
        return map;
    }
}
