using System.Runtime.InteropServices;
using System.Text;
using LlmEngine.Tokenization.HuggingFace;
using LlmEngine.Tokenization.PreTokenization;

namespace LlmEngine.Tokenization;

/// <summary>
/// Byte-pair encoding by merge rank: the fragment is normalized and split into words, each word (mapped to GPT-2's
/// byte characters for byte-level vocabularies) starts as one symbol per character, and the adjacent pair with the
/// lowest merge rank is merged until none is left (ties go to the leftmost pair), as llama.cpp's BPE session and
/// Hugging Face's BPE model both do.
/// </summary>
internal sealed class BytePairModel : ITokenizationModel
{
    private readonly Vocabulary _vocabulary;
    private readonly BpeMergeTable _merges;
    private readonly BytePairOptions _options;
    private readonly int[] _byteTokens;

    /// <summary>Creates the model.</summary>
    public BytePairModel(Vocabulary vocabulary, BpeMergeTable merges, BytePairOptions options)
    {
        _vocabulary = vocabulary;
        _merges = merges;
        _options = options;
        _byteTokens = SentencePieceBpeModel.FindByteTokens(vocabulary);
    }

    /// <inheritdoc />
    public void Encode(ReadOnlySpan<char> text, bool afterSpecialToken, bool atInputStart, List<int> output)
    {
        string? normalized = _options.Normalizer?.Normalize(text, atInputStart);
        var input = normalized is null ? text : normalized.AsSpan();
        var words = new List<TextRange>();
        if (_options.PreTokenizer is { } pre)
        {
            pre.Split(input, words);
        }
        else if (!input.IsEmpty)
        {
            words.Add(new TextRange(0, input.Length));
        }
        var session = new Session(this);
        foreach (var word in words)
        {
            var piece = input.Slice(word.Start, word.Length);
            session.EncodeWord(_options.ByteLevel ? session.ToByteLevel(piece) : piece, output);
        }
    }

    private readonly record struct Symbol(int Id, int Start, int Length, int Prev, int Next);

    private readonly record struct Pair(int Left, int Right, int Length);

    // Lowest rank first; among equal ranks the leftmost pair.
    private sealed class PairOrder : IComparer<(int Rank, int Left)>
    {
        public static readonly PairOrder Instance = new();

        public int Compare((int Rank, int Left) x, (int Rank, int Left) y) =>
            x.Rank != y.Rank ? x.Rank.CompareTo(y.Rank) : x.Left.CompareTo(y.Left);
    }

    // Working storage reused across the words of one fragment.
    private sealed class Session(BytePairModel model)
    {
        private readonly List<Symbol> _symbols = [];
        private readonly PriorityQueue<Pair, (int Rank, int Left)> _queue = new(PairOrder.Instance);
        private byte[] _bytes = new byte[64];
        private char[] _chars = new char[64];

        // The word's UTF-8 bytes as GPT-2 byte characters, in a buffer reused across words.
        public ReadOnlySpan<char> ToByteLevel(ReadOnlySpan<char> piece)
        {
            int max = Encoding.UTF8.GetMaxByteCount(piece.Length);
            if (_bytes.Length < max)
            {
                _bytes = new byte[max];
                _chars = new char[max];
            }
            int count = Encoding.UTF8.GetBytes(piece, _bytes);
            for (int i = 0; i < count; i++)
            {
                _chars[i] = ByteLevelEncoding.ToChar(_bytes[i]);
            }
            return _chars.AsSpan(0, count);
        }

        public void EncodeWord(ReadOnlySpan<char> word, List<int> output)
        {
            var vocabulary = model._vocabulary;
            if (model._options.IgnoreMerges)
            {
                int whole = vocabulary.Find(word);
                if (whole >= 0)
                {
                    output.Add(whole);
                    return;
                }
            }
            _symbols.Clear();
            _queue.Clear();
            AddInitialSymbols(word);
            var symbols = CollectionsMarshal.AsSpan(_symbols);
            for (int i = 1; i < symbols.Length; i++)
            {
                TryAddPair(symbols, i - 1, i);
            }
            while (_queue.TryDequeue(out var pair, out _))
            {
                var left = symbols[pair.Left];
                var right = symbols[pair.Right];
                if (left.Length == 0 || right.Length == 0 || left.Length + right.Length != pair.Length
                    || !model._merges.TryGetMerge(left.Id, right.Id, out var merge))
                {
                    continue;
                }
                symbols[pair.Left] = left with { Id = merge.MergedId, Length = pair.Length, Next = right.Next };
                symbols[pair.Right] = right with { Length = 0 };
                if (right.Next >= 0)
                {
                    symbols[right.Next] = symbols[right.Next] with { Prev = pair.Left };
                }
                TryAddPair(symbols, symbols[pair.Left].Prev, pair.Left);
                TryAddPair(symbols, pair.Left, symbols[pair.Left].Next);
            }
            for (int i = 0; i < symbols.Length; i = symbols[i].Next)
            {
                EmitSymbol(word, symbols[i], output);
                if (symbols[i].Next < 0)
                {
                    break;
                }
            }
        }

        private void AddInitialSymbols(ReadOnlySpan<char> word)
        {
            var options = model._options;
            for (int offset = 0; offset < word.Length;)
            {
                int length = char.IsHighSurrogate(word[offset]) && offset + 1 < word.Length && char.IsLowSurrogate(word[offset + 1]) ? 2 : 1;
                var character = word.Slice(offset, length);
                int id = model._merges.GetSymbolId(character);
                if (id < 0 && options.HuggingFaceFallback)
                {
                    AddHuggingFaceFallback(character, offset);
                }
                else
                {
                    Push(id, offset, length);
                }
                offset += length;
            }
        }

        // Hugging Face replaces an unknown character before merging: by its byte tokens, else by the unknown token.
        private void AddHuggingFaceFallback(ReadOnlySpan<char> character, int offset)
        {
            var options = model._options;
            Span<byte> bytes = stackalloc byte[8];
            int count = Encoding.UTF8.GetBytes(character, bytes);
            bool allBytes = options.ByteFallback;
            for (int b = 0; allBytes && b < count; b++)
            {
                allBytes = model._byteTokens[bytes[b]] >= 0;
            }
            if (allBytes)
            {
                for (int b = 0; b < count; b++)
                {
                    // Byte symbols get a nominal length of one: lengths only serve to detect stale pairs.
                    Push(model._byteTokens[bytes[b]], offset, 1);
                }
                return;
            }
            if (options.UnknownTokenId < 0)
            {
                return;
            }
            if (options.FuseUnknown && _symbols.Count > 0 && _symbols[^1].Id == options.UnknownTokenId)
            {
                _symbols[^1] = _symbols[^1] with { Length = _symbols[^1].Length + character.Length };
                return;
            }
            Push(options.UnknownTokenId, offset, character.Length);
        }

        private void Push(int id, int start, int length)
        {
            int index = _symbols.Count;
            if (index > 0)
            {
                _symbols[index - 1] = _symbols[index - 1] with { Next = index };
            }
            _symbols.Add(new Symbol(id, start, length, index - 1, -1));
        }

        private void TryAddPair(Span<Symbol> symbols, int left, int right)
        {
            if (left < 0 || right < 0)
            {
                return;
            }
            var l = symbols[left];
            var r = symbols[right];
            if (l.Length == 0 || r.Length == 0 || !model._merges.TryGetMerge(l.Id, r.Id, out var merge))
            {
                return;
            }
            _queue.Enqueue(new Pair(left, right, l.Length + r.Length), (merge.Rank, left));
        }

        private void EmitSymbol(ReadOnlySpan<char> word, Symbol symbol, List<int> output)
        {
            if (model._vocabulary.Contains(symbol.Id))
            {
                output.Add(symbol.Id);
                return;
            }
            // llama.cpp looks each byte of a symbol that is not a token up as a one-byte string; only ASCII can match.
            var text = word.Slice(symbol.Start, symbol.Length);
            int max = Encoding.UTF8.GetMaxByteCount(text.Length);
            Span<byte> bytes = max <= 256 ? stackalloc byte[256] : new byte[max];
            int count = Encoding.UTF8.GetBytes(text, bytes);
            for (int b = 0; b < count; b++)
            {
                if (bytes[b] < 0x80)
                {
                    int id = model._vocabulary.Find([(char)bytes[b]]);
                    if (id >= 0)
                    {
                        output.Add(id);
                    }
                }
            }
        }
    }
}
