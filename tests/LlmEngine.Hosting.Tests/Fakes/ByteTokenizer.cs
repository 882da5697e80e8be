using System.Text;
using LlmEngine.Tokenization;

namespace LlmEngine.Hosting.Tests.Fakes;

/// <summary>
/// A byte-level tokenizer with ChatML's markers as single tokens: ids 0-255 are bytes, then one id per marker.
/// <c>&lt;tool_call&gt;</c> is an ordinary added token (kept in text), the others are special.
/// </summary>
internal sealed class ByteTokenizer : ITokenizer
{
    private static readonly string[] s_markers = ["<s>", "</s>", "<|im_start|>", "<|im_end|>", "<tool_call>", "</tool_call>"];

    public int VocabularySize => 256 + s_markers.Length;

    public int? BosTokenId => Id("<s>");

    public int? EosTokenId => Id("</s>");

    public string? BosToken => "<s>";

    public string? EosToken => "</s>";

    public IReadOnlyList<int> EndOfGenerationTokenIds => [Id("</s>"), Id("<|im_end|>")];

    public bool AddBosToken => true;

    public bool AddEosToken => false;

    public static int Id(string marker) => 256 + Array.IndexOf(s_markers, marker);

    public int[] Encode(string text, bool addSpecialTokens = true, bool parseSpecialTokens = true)
    {
        var ids = new List<int>();
        if (addSpecialTokens)
        {
            ids.Add(Id("<s>"));
        }
        var plain = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            var marker = parseSpecialTokens ? s_markers.FirstOrDefault(m => string.CompareOrdinal(text, i, m, 0, m.Length) == 0) : null;
            if (marker is null)
            {
                plain.Append(text[i++]);
                continue;
            }
            Flush(ids, plain);
            ids.Add(Id(marker));
            i += marker.Length;
        }
        Flush(ids, plain);
        return [.. ids];
    }

    public string Decode(ReadOnlySpan<int> ids, bool skipSpecialTokens = false)
    {
        var bytes = new List<byte>();
        foreach (var id in ids)
        {
            if (!(skipSpecialTokens && IsSpecialToken(id)))
            {
                bytes.AddRange(GetTokenBytes(id).ToArray());
            }
        }
        return Encoding.UTF8.GetString([.. bytes]);
    }

    public ReadOnlySpan<byte> GetTokenBytes(int id) => id < 256 ? new[] { (byte)id } : Encoding.UTF8.GetBytes(s_markers[id - 256]);

    public string GetTokenText(int id) => id < 256 ? ((char)id).ToString() : s_markers[id - 256];

    public int? GetTokenId(string token) => Array.IndexOf(s_markers, token) is >= 0 and var i ? 256 + i : token.Length == 1 && token[0] < 256 ? token[0] : null;

    public bool IsSpecialToken(int id) => id >= 256 && s_markers[id - 256] is not ("<tool_call>" or "</tool_call>");

    private static void Flush(List<int> ids, StringBuilder plain)
    {
        foreach (var b in Encoding.UTF8.GetBytes(plain.ToString()))
        {
            ids.Add(b);
        }
        plain.Clear();
    }
}
