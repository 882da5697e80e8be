using System.Text;
using LlmEngine.Tokenization;

namespace LlmEngine.Tests.Constraints;

/// <summary>
/// A tokenizer over an explicit list of token byte strings, for constraint tests: ids are list positions, the
/// special tokens are named, encoding is greedy longest-match.
/// </summary>
internal sealed class TestVocabularyTokenizer : ITokenizer
{
    private readonly byte[][] _tokens;
    private readonly string[] _texts;
    private readonly HashSet<int> _special;
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);

    public TestVocabularyTokenizer(IReadOnlyList<byte[]> tokens, IReadOnlyList<string> texts, IEnumerable<int> special, int? eos, IReadOnlyList<int>? endOfGeneration = null, int? bos = null)
    {
        _tokens = [.. tokens];
        _texts = [.. texts];
        _special = [.. special];
        EosTokenId = eos;
        BosTokenId = bos;
        EndOfGenerationTokenIds = endOfGeneration ?? (eos is { } e ? [e] : []);
        for (var i = 0; i < _texts.Length; i++)
        {
            _ids.TryAdd(_texts[i], i);
        }
    }

    /// <summary>256 single bytes, then the UTF-8 of each merge, then <c>&lt;/s&gt;</c> (EOS) and <c>&lt;pad&gt;</c> (special).</summary>
    public static TestVocabularyTokenizer ByteLevel(IEnumerable<string> merges)
    {
        var tokens = new List<byte[]>();
        var texts = new List<string>();
        for (var b = 0; b < 256; b++)
        {
            tokens.Add([(byte)b]);
            texts.Add($"<0x{b:X2}>");
        }
        foreach (var merge in merges)
        {
            tokens.Add(Encoding.UTF8.GetBytes(merge));
            texts.Add(merge);
        }
        var eos = tokens.Count;
        tokens.Add(Encoding.UTF8.GetBytes("</s>"));
        texts.Add("</s>");
        var pad = tokens.Count;
        tokens.Add(Encoding.UTF8.GetBytes("<pad>"));
        texts.Add("<pad>");
        return new TestVocabularyTokenizer(tokens, texts, [eos, pad], eos);
    }

    /// <summary>A byte-level vocabulary with merges typical of JSON output.</summary>
    public static TestVocabularyTokenizer JsonFriendly() => ByteLevel(
    [
        "{\"", "\":", "\",\"", "\"}", "\",", ",\"", "},", "}]", "[{", "[]", "{}", "null", "true", "false", "tr", "ue", "fa", "lse",
        "name", "id", "a\"", "\\\"", "\\n", "\\u00", "12", "123", "0.", ".5", "-1", "e+", "abc", "the", " the", "  ", "\n",
        "ü", "é", "日本", "😀", "2024-", "-01", "T1", "Z\"", ":00", "@example", ".com", "00000000", "-0000-",
    ]);

    public int VocabularySize => _tokens.Length;

    public int? BosTokenId { get; }

    public int? EosTokenId { get; }

    public string? BosToken => BosTokenId is { } b ? _texts[b] : null;

    public string? EosToken => EosTokenId is { } e ? _texts[e] : null;

    public IReadOnlyList<int> EndOfGenerationTokenIds { get; }

    public bool AddBosToken => false;

    public bool AddEosToken => false;

    public int[] Encode(string text, bool addSpecialTokens = true, bool parseSpecialTokens = true)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var ids = new List<int>();
        var pos = 0;
        while (pos < bytes.Length)
        {
            var best = -1;
            var bestLength = 0;
            for (var id = 0; id < _tokens.Length; id++)
            {
                if (_special.Contains(id))
                {
                    continue;
                }
                var t = _tokens[id];
                if (t.Length > bestLength && bytes.AsSpan(pos).StartsWith(t))
                {
                    best = id;
                    bestLength = t.Length;
                }
            }
            ids.Add(best);
            pos += bestLength;
        }
        return [.. ids];
    }

    public string Decode(ReadOnlySpan<int> ids, bool skipSpecialTokens = false)
    {
        var bytes = new List<byte>();
        foreach (var id in ids)
        {
            if (!(skipSpecialTokens && _special.Contains(id)))
            {
                bytes.AddRange(_tokens[id]);
            }
        }
        return Encoding.UTF8.GetString([.. bytes]);
    }

    public ReadOnlySpan<byte> GetTokenBytes(int id) => _tokens[id];

    public string GetTokenText(int id) => _texts[id];

    public int? GetTokenId(string token) => _ids.TryGetValue(token, out var id) ? id : null;

    public bool IsSpecialToken(int id) => _special.Contains(id);
}
