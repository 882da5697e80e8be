using System.Text;
using LlmEngine.Models.Gguf;

namespace LlmEngine.Tests.Execution;

/// <summary>SentencePiece decoding from a GGUF's vocabulary (▁ is a space, &lt;0xNN&gt; a byte), enough to compare golden text.</summary>
internal static class PieceDecoder
{
    public static string Decode(GgufMetadata metadata, IEnumerable<int> ids)
    {
        var pieces = metadata.Tokens ?? throw new InvalidOperationException("the GGUF has no vocabulary");
        var bytes = new List<byte>();
        foreach (var id in ids)
        {
            var piece = pieces[id];
            if (piece.Length == 6 && piece.StartsWith("<0x", StringComparison.Ordinal) && piece.EndsWith('>'))
            {
                bytes.Add(Convert.ToByte(piece.Substring(3, 2), 16));
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(piece.Replace('\u2581', ' ')));
            }
        }
        var text = Encoding.UTF8.GetString(bytes.ToArray());
        return text.StartsWith(' ') ? text[1..] : text;
    }
}
