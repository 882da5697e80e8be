using System.Text;
using LlmEngine.Tokenization;

namespace LlmEngine.Tests.Engine.Fakes;

/// <summary>
/// A small byte-level tokenizer for engine tests: ids 0-255 are single bytes, 256 is BOS, 257 EOS, 258 an
/// end-of-turn special token, and 259 onwards are multi-byte merges (words and multi-byte UTF-8 characters).
/// Encoding takes the longest vocabulary entry at each position.
/// </summary>
internal sealed class TestTokenizer : ITokenizer
{
    public const int Bos = 256;
    public const int Eos = 257;
    public const int EndOfTurn = 258;

    private static readonly string[] s_merges = ["Hello", " world", "STOP", "ST", "OP", " the", "é", "€", "😀", " cat", " sat", "ab", "abc"];
    private readonly byte[][] _bytes;
    private readonly Dictionary<string, int> _ids = [];

    public TestTokenizer(int vocabularySize = 300)
    {
        _bytes = new byte[vocabularySize][];
        for (var i = 0; i < 256; i++)
        {
            _bytes[i] = [(byte)i];
        }
        _bytes[Bos] = "<s>"u8.ToArray();
        _bytes[Eos] = "</s>"u8.ToArray();
        _bytes[EndOfTurn] = "<|eot|>"u8.ToArray();
        for (var i = 0; i < s_merges.Length; i++)
        {
            _bytes[259 + i] = Encoding.UTF8.GetBytes(s_merges[i]);
        }
        for (var i = 259 + s_merges.Length; i < vocabularySize; i++)
        {
            _bytes[i] = Encoding.UTF8.GetBytes($"<t{i}>");
        }
        for (var i = 0; i < vocabularySize; i++)
        {
            _ids.TryAdd(Convert.ToHexString(_bytes[i]), i);
        }
    }

    public int VocabularySize => _bytes.Length;

    public int? BosTokenId => Bos;

    public int? EosTokenId => Eos;

    public string? BosToken => "<s>";

    public string? EosToken => "</s>";

    public IReadOnlyList<int> EndOfGenerationTokenIds { get; } = [Eos, EndOfTurn];

    public bool AddBosToken => true;

    public bool AddEosToken => false;

    /// <summary>The id of a merge such as "STOP" or "é".</summary>
    public int IdOf(string text) => _ids[Convert.ToHexString(Encoding.UTF8.GetBytes(text))];

    public int[] Encode(string text, bool addSpecialTokens = true, bool parseSpecialTokens = true)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var ids = new List<int>();
        if (addSpecialTokens)
        {
            ids.Add(Bos);
        }
        var i = 0;
        while (i < bytes.Length)
        {
            int best = bytes[i];
            var bestLength = 1;
            for (var id = 259; id < _bytes.Length; id++)
            {
                var token = _bytes[id];
                if (token.Length > bestLength && bytes.AsSpan(i).StartsWith(token))
                {
                    best = id;
                    bestLength = token.Length;
                }
            }
            ids.Add(best);
            i += bestLength;
        }
        return [.. ids];
    }

    public string Decode(ReadOnlySpan<int> ids, bool skipSpecialTokens = false)
    {
        var bytes = new List<byte>();
        foreach (var id in ids)
        {
            if (skipSpecialTokens && IsSpecialToken(id))
            {
                continue;
            }
            bytes.AddRange(_bytes[id]);
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    public ReadOnlySpan<byte> GetTokenBytes(int id) => _bytes[id];

    public string GetTokenText(int id) => Encoding.UTF8.GetString(_bytes[id]);

    public int? GetTokenId(string token) => _ids.TryGetValue(Convert.ToHexString(Encoding.UTF8.GetBytes(token)), out var id) ? id : null;

    public bool IsSpecialToken(int id) => id is Bos or Eos or EndOfTurn;
}
