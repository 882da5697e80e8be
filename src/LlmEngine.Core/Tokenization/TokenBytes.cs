using System.Globalization;
using System.Text;

namespace LlmEngine.Tokenization;

/// <summary>
/// The bytes each token contributes to decoded text, computed once per tokenizer as llama.cpp's token-to-piece cache:
/// control, unknown and user-defined tokens give their text; normal pieces their decoded text; byte tokens their byte;
/// unused and undefined tokens nothing.
/// </summary>
internal static class TokenBytes
{
    /// <summary>Builds the table for every id of <paramref name="vocabulary"/>.</summary>
    public static byte[][] Build(Vocabulary vocabulary, PieceDecoding decoding)
    {
        var table = new byte[vocabulary.Count][];
        for (int id = 0; id < table.Length; id++)
        {
            string text = vocabulary.Tokens[id];
            var attributes = vocabulary.Attributes[id];
            if ((attributes & (TokenAttributes.Control | TokenAttributes.Unknown | TokenAttributes.UserDefined)) != 0)
            {
                table[id] = Encoding.UTF8.GetBytes(text);
            }
            else if ((attributes & TokenAttributes.Normal) != 0)
            {
                table[id] = decoding == PieceDecoding.ByteLevel
                    ? ByteLevelEncoding.Decode(text)
                    : Encoding.UTF8.GetBytes(text.Replace(SentencePieceBpeModel.SpaceSymbol, ' '));
            }
            else if ((attributes & TokenAttributes.Byte) != 0 && TryParseByteToken(text, out byte value))
            {
                table[id] = [value];
            }
            else
            {
                table[id] = [];
            }
        }
        return table;
    }

    /// <summary>Parses <c>&lt;0xNN&gt;</c>.</summary>
    public static bool TryParseByteToken(string text, out byte value)
    {
        value = 0;
        return text.Length == 6 && text.StartsWith("<0x", StringComparison.Ordinal) && text[5] == '>'
            && byte.TryParse(text.AsSpan(3, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
    }
}
