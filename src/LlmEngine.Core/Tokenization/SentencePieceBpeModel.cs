using System.Text;

namespace LlmEngine.Tokenization;

/// <summary>
/// SentencePiece BPE over GGUF pieces and scores, as llama.cpp's SPM tokenizer: spaces become ▁ (with one ▁ prefixed to
/// the first fragment and to fragments after a special token when the model adds a space prefix), the text is split
/// into code points, and the adjacent pair whose concatenation is the highest-scoring vocabulary piece is merged
/// repeatedly (ties go to the leftmost pair). Symbols that are not pieces fall back to their UTF-8 bytes as
/// <c>&lt;0xNN&gt;</c> tokens.
/// </summary>
internal sealed class SentencePieceBpeModel : ITokenizationModel
{
    /// <summary>U+2581, SentencePiece's visible space.</summary>
    public const char SpaceSymbol = '\u2581';

    private readonly Vocabulary _vocabulary;
    private readonly bool _addSpacePrefix;
    private readonly int[] _byteTokens;
    private readonly int _unknownId;

    /// <summary>Creates the model; <paramref name="unknownId"/> (or -1) stands in for a byte with no token.</summary>
    public SentencePieceBpeModel(Vocabulary vocabulary, bool addSpacePrefix, int unknownId)
    {
        _vocabulary = vocabulary;
        _addSpacePrefix = addSpacePrefix;
        _unknownId = unknownId;
        _byteTokens = FindByteTokens(vocabulary);
    }

    /// <summary>The id of the token for each byte value: <c>&lt;0xNN&gt;</c>, else the one-character token, else -1.</summary>
    public static int[] FindByteTokens(Vocabulary vocabulary)
    {
        var ids = new int[256];
        Span<char> hex = stackalloc char[6];
        for (int b = 0; b < 256; b++)
        {
            $"<0x{b:X2}>".AsSpan().CopyTo(hex);
            int id = vocabulary.Find(hex);
            if (id < 0 && b < 0x80)
            {
                id = vocabulary.Find([(char)b]);
            }
            ids[b] = id;
        }
        return ids;
    }

    /// <inheritdoc />
    public void Encode(ReadOnlySpan<char> text, bool afterSpecialToken, bool atInputStart, List<int> output)
    {
        bool prefix = _addSpacePrefix && afterSpecialToken;
        var buffer = new char[text.Length + (prefix ? 1 : 0)];
        int n = 0;
        if (prefix)
        {
            buffer[n++] = SpaceSymbol;
        }
        foreach (char c in text)
        {
            buffer[n++] = c == ' ' ? SpaceSymbol : c;
        }
        Tokenize(buffer, output);
    }

    private void Tokenize(char[] text, List<int> output)
    {
        if (text.Length == 0)
        {
            return;
        }
        var symbols = new List<Symbol>(text.Length);
        for (int offset = 0; offset < text.Length;)
        {
            int length = char.IsHighSurrogate(text[offset]) && offset + 1 < text.Length && char.IsLowSurrogate(text[offset + 1]) ? 2 : 1;
            symbols.Add(new Symbol(offset, length, symbols.Count - 1, offset + length == text.Length ? -1 : symbols.Count + 1));
            offset += length;
        }

        var queue = new PriorityQueue<Bigram, Bigram>(symbols.Count, BigramOrder.Instance);
        for (int i = 1; i < symbols.Count; i++)
        {
            TryAddBigram(text, symbols, queue, i - 1, i);
        }
        var all = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(symbols);
        while (queue.TryDequeue(out var bigram, out _))
        {
            ref var left = ref all[bigram.Left];
            ref var right = ref all[bigram.Right];
            // A pair is stale when either side has been merged away or grown since it was queued.
            if (left.Length == 0 || right.Length == 0 || left.Length + right.Length != bigram.Length)
            {
                continue;
            }
            left.Length += right.Length;
            right.Length = 0;
            left.Next = right.Next;
            if (right.Next >= 0)
            {
                all[right.Next].Prev = bigram.Left;
            }
            TryAddBigram(text, symbols, queue, left.Prev, bigram.Left);
            TryAddBigram(text, symbols, queue, bigram.Left, left.Next);
        }

        Span<byte> bytes = stackalloc byte[8];
        for (int i = 0; i != -1; i = all[i].Next)
        {
            var symbol = all[i];
            var piece = text.AsSpan(symbol.Start, symbol.Length);
            int id = _vocabulary.Find(piece);
            if (id >= 0)
            {
                output.Add(id);
                continue;
            }
            // Merged symbols are always pieces, so only an unknown code point gets here: emit its UTF-8 bytes.
            int count = Encoding.UTF8.GetBytes(piece, bytes);
            for (int b = 0; b < count; b++)
            {
                int byteId = _byteTokens[bytes[b]];
                if (byteId < 0)
                {
                    byteId = _unknownId;
                }
                if (byteId >= 0)
                {
                    output.Add(byteId);
                }
            }
        }
    }

    private void TryAddBigram(char[] text, List<Symbol> symbols, PriorityQueue<Bigram, Bigram> queue, int left, int right)
    {
        if (left < 0 || right < 0)
        {
            return;
        }
        int start = symbols[left].Start;
        int length = symbols[left].Length + symbols[right].Length;
        int id = _vocabulary.Find(text.AsSpan(start, length));
        if (id < 0)
        {
            return;
        }
        var bigram = new Bigram(left, right, _vocabulary.Scores[id], length);
        queue.Enqueue(bigram, bigram);
    }

    private record struct Symbol(int Start, int Length, int Prev, int Next);

    private readonly record struct Bigram(int Left, int Right, float Score, int Length);

    // Highest score first; among equal scores the leftmost pair, as llama.cpp's llm_bigram_spm comparator.
    private sealed class BigramOrder : IComparer<Bigram>
    {
        public static readonly BigramOrder Instance = new();

        public int Compare(Bigram x, Bigram y) => x.Score != y.Score ? y.Score.CompareTo(x.Score) : x.Left.CompareTo(y.Left);
    }
}
