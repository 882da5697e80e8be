using System.Text;
using LlmEngine.Tokenization;

namespace LlmEngine.Benchmarks.Constraints;

/// <summary>
/// A Qwen-sized (151,936 ids) byte-level vocabulary for constraint benchmarks: the 256 single bytes, JSON and code
/// punctuation runs, numbers, and words (with and without a leading space, several cases, some non-ASCII) drawn
/// from a seeded generator so the byte trie has a realistic shape. The last ids are special (EOS among them).
/// </summary>
internal sealed class SyntheticVocabularyTokenizer : ITokenizer
{
    public const int Size = 151_936;

    private readonly byte[][] _tokens;
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
    private readonly int _firstSpecial;

    public SyntheticVocabularyTokenizer(int seed = 1234)
    {
        var random = new Random(seed);
        var tokens = new List<byte[]>(Size);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var b = 0; b < 256; b++)
        {
            tokens.Add([(byte)b]);
        }
        void Add(string text)
        {
            if (tokens.Count < Size - 32 && seen.Add(text))
            {
                tokens.Add(Encoding.UTF8.GetBytes(text));
            }
        }
        const string punctuation = "{}[]\":,. \n\t-_/()<>=+*#@!?'`;|&%$";
        for (var i = 0; i < 12_000; i++)
        {
            var length = random.Next(2, 5);
            var sb = new StringBuilder();
            for (var k = 0; k < length; k++)
            {
                sb.Append(punctuation[random.Next(punctuation.Length)]);
            }
            Add(sb.ToString());
        }
        for (var i = 0; i < 10_000; i++)
        {
            Add(random.Next(0, 3) switch
            {
                0 => i.ToString(System.Globalization.CultureInfo.InvariantCulture),
                1 => " " + random.Next(0, 100_000).ToString(System.Globalization.CultureInfo.InvariantCulture),
                _ => random.Next(0, 1000).ToString(System.Globalization.CultureInfo.InvariantCulture) + ".",
            });
        }
        const string letters = "etaoinshrdlcumwfgypbvkjxqz";
        const string accents = "éèüöäçñåøßłžš";
        while (tokens.Count < Size - 32)
        {
            var length = 1 + (int)Math.Min(14, -Math.Log(1 - random.NextDouble()) * 4);
            var sb = new StringBuilder();
            var style = random.Next(10);
            if (style < 5)
            {
                sb.Append(' ');
            }
            for (var k = 0; k < length; k++)
            {
                var c = random.Next(40) == 0 ? accents[random.Next(accents.Length)] : letters[(int)(Math.Pow(random.NextDouble(), 2) * letters.Length)];
                sb.Append(style == 7 && k == 0 ? char.ToUpperInvariant(c) : c);
            }
            if (style == 9)
            {
                sb.Append(punctuation[random.Next(punctuation.Length)]);
            }
            if (random.Next(30) == 0)
            {
                sb.Append((char)random.Next(0x4E00, 0x9FFF));
            }
            Add(sb.ToString());
        }
        _firstSpecial = tokens.Count;
        for (var i = 0; tokens.Count < Size; i++)
        {
            tokens.Add(Encoding.UTF8.GetBytes($"<|special_{i}|>"));
        }
        _tokens = [.. tokens];
        for (var id = 0; id < _tokens.Length; id++)
        {
            _ids.TryAdd(Encoding.UTF8.GetString(_tokens[id]), id);
        }
        EosTokenId = _firstSpecial;
        EndOfGenerationTokenIds = [_firstSpecial, _firstSpecial + 1];
    }

    public int VocabularySize => _tokens.Length;

    public int? BosTokenId => null;

    public int? EosTokenId { get; }

    public string? BosToken => null;

    public string? EosToken => GetTokenText(_firstSpecial);

    public IReadOnlyList<int> EndOfGenerationTokenIds { get; }

    public bool AddBosToken => false;

    public bool AddEosToken => false;

    /// <summary>Greedy longest match over the non-special tokens.</summary>
    public int[] Encode(string text, bool addSpecialTokens = true, bool parseSpecialTokens = true)
    {
        var ids = new List<int>();
        var pos = 0;
        while (pos < text.Length)
        {
            for (var length = Math.Min(16, text.Length - pos); length > 0; length--)
            {
                if (_ids.TryGetValue(text.Substring(pos, length), out var id) && id < _firstSpecial)
                {
                    ids.Add(id);
                    pos += length;
                    break;
                }
                if (length == 1)
                {
                    foreach (var b in Encoding.UTF8.GetBytes(text.Substring(pos, char.IsSurrogatePair(text, pos) ? 2 : 1)))
                    {
                        ids.Add(b);
                    }
                    pos += char.IsSurrogatePair(text, pos) ? 2 : 1;
                }
            }
        }
        return [.. ids];
    }

    public string Decode(ReadOnlySpan<int> ids, bool skipSpecialTokens = false)
    {
        var bytes = new List<byte>();
        foreach (var id in ids)
        {
            if (!(skipSpecialTokens && IsSpecialToken(id)))
            {
                bytes.AddRange(_tokens[id]);
            }
        }
        return Encoding.UTF8.GetString([.. bytes]);
    }

    public ReadOnlySpan<byte> GetTokenBytes(int id) => _tokens[id];

    public string GetTokenText(int id) => Encoding.UTF8.GetString(_tokens[id]);

    public int? GetTokenId(string token) => _ids.TryGetValue(token, out var id) ? id : null;

    public bool IsSpecialToken(int id) => id >= _firstSpecial;
}
