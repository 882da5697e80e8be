using System.Text;
using LlmEngine.Tokenization;

namespace LlmEngine.Tests.Chat.Fakes;

/// <summary>
/// A byte-level tokenizer with the chat markers of the Qwen, Llama 3 and Mistral families as single tokens: ids
/// 0-255 are bytes, then one id per marker. Like the real vocabularies, <c>&lt;tool_call&gt;</c> and
/// <c>&lt;think&gt;</c> are ordinary added tokens while <c>&lt;|python_tag|&gt;</c> and <c>[TOOL_CALLS]</c> are special
/// (dropped by skip_special_tokens).
/// </summary>
internal sealed class ChatTestTokenizer : ITokenizer
{
    private static readonly string[] s_markers =
    [
        "<s>", "</s>", "<|im_start|>", "<|im_end|>", "<|endoftext|>",
        "<|begin_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>", "<|eom_id|>", "<|python_tag|>",
        "[INST]", "[/INST]", "[TOOL_CALLS]", "[AVAILABLE_TOOLS]", "[/AVAILABLE_TOOLS]", "[TOOL_RESULTS]", "[/TOOL_RESULTS]",
        "<tool_call>", "</tool_call>", "<think>", "</think>",
    ];

    private static readonly HashSet<string> s_ordinary = ["<tool_call>", "</tool_call>", "<think>", "</think>"];

    private readonly Dictionary<string, int> _markerIds = [];

    public ChatTestTokenizer()
    {
        for (var i = 0; i < s_markers.Length; i++)
        {
            _markerIds[s_markers[i]] = 256 + i;
        }
        EndOfGenerationTokenIds = [Id("</s>"), Id("<|im_end|>"), Id("<|eot_id|>"), Id("<|eom_id|>")];
    }

    public int VocabularySize => 256 + s_markers.Length;

    public int? BosTokenId => Id("<s>");

    public int? EosTokenId => Id("</s>");

    public string? BosToken => "<s>";

    public string? EosToken => "</s>";

    public IReadOnlyList<int> EndOfGenerationTokenIds { get; }

    public bool AddBosToken => true;

    public bool AddEosToken => false;

    public int Id(string marker) => _markerIds[marker];

    public int[] Encode(string text, bool addSpecialTokens = true, bool parseSpecialTokens = true)
    {
        var ids = new List<int>();
        if (addSpecialTokens)
        {
            ids.Add(Id("<s>"));
        }
        var i = 0;
        var plain = new StringBuilder();
        while (i < text.Length)
        {
            string? marker = null;
            if (parseSpecialTokens && text[i] is '<' or '[')
            {
                foreach (var candidate in s_markers)
                {
                    if (string.CompareOrdinal(text, i, candidate, 0, candidate.Length) == 0 && (marker is null || candidate.Length > marker.Length))
                    {
                        marker = candidate;
                    }
                }
            }
            if (marker is null)
            {
                plain.Append(text[i++]);
                continue;
            }
            AddBytes(ids, plain);
            ids.Add(Id(marker));
            i += marker.Length;
        }
        AddBytes(ids, plain);
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

    public int? GetTokenId(string token) => _markerIds.TryGetValue(token, out var id) ? id : token.Length == 1 && token[0] < 256 ? token[0] : null;

    public bool IsSpecialToken(int id) => id >= 256 && !s_ordinary.Contains(s_markers[id - 256]);

    private static void AddBytes(List<int> ids, StringBuilder plain)
    {
        foreach (var b in Encoding.UTF8.GetBytes(plain.ToString()))
        {
            ids.Add(b);
        }
        plain.Clear();
    }
}
