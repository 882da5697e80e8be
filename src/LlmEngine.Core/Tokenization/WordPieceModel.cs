using System.Text;
using LlmEngine.Tokenization.Unicode;

namespace LlmEngine.Tokenization;

/// <summary>
/// WordPiece as llama.cpp's WPM tokenizer over GGUF BERT vocabularies (where word-initial pieces carry a ▁ prefix and
/// continuation pieces have no <c>##</c>): BERT's basic pre-tokenization (drop control characters, optionally lowercase
/// and strip accents, split on whitespace, punctuation, ASCII symbols and CJK ideographs), then greedy longest-match
/// pieces per word; a word with no full match becomes the unknown token.
/// </summary>
internal sealed class WordPieceModel : ITokenizationModel
{
    private readonly Vocabulary _vocabulary;
    private readonly bool _lowercase;
    private readonly bool _stripAccents;
    private readonly int _unknownId;

    /// <summary>Creates the model.</summary>
    public WordPieceModel(Vocabulary vocabulary, bool lowercase, bool stripAccents, int unknownId)
    {
        _vocabulary = vocabulary;
        _lowercase = lowercase;
        _stripAccents = stripAccents;
        _unknownId = unknownId;
    }

    /// <inheritdoc />
    public void Encode(ReadOnlySpan<char> text, bool afterSpecialToken, bool atInputStart, List<int> output)
    {
        int maxLength = _vocabulary.MaxTokenByteLength;
        foreach (string word in Preprocess(text))
        {
            string phantom = SentencePieceBpeModel.SpaceSymbol + word;
            int n = phantom.Length;
            int before = output.Count;
            for (int i = 0; i < n; i++)
            {
                bool match = false;
                for (int j = Math.Min(n, i + maxLength + 1); j > i; j--)
                {
                    int id = _vocabulary.Find(phantom.AsSpan(i, j - i));
                    if (id >= 0)
                    {
                        output.Add(id);
                        match = true;
                        i = j - 1;
                        break;
                    }
                }
                if (!match)
                {
                    output.RemoveRange(before, output.Count - before);
                    break;
                }
            }
            if (output.Count == before && _unknownId >= 0)
            {
                output.Add(_unknownId);
            }
        }
    }

    private List<string> Preprocess(ReadOnlySpan<char> text)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        foreach (int original in Codepoints.Decode(text))
        {
            int cp = _stripAccents ? NfdBaseTable.GetBase(original) : original;
            if (Codepoints.IsWhitespace(cp))
            {
                Flush(words, current);
                continue;
            }
            var category = Codepoints.GetCategory(cp);
            if (cp == 0 || cp == 0xFFFD || category == CodepointCategory.Control)
            {
                continue;
            }
            if (_stripAccents && category == CodepointCategory.AccentMark)
            {
                continue;
            }
            int mapped = _lowercase ? Codepoints.ToLower(cp) : cp;
            if (category == CodepointCategory.Punctuation || (cp < 0x7F && category == CodepointCategory.Symbol) || IsChineseCharacter(cp))
            {
                Flush(words, current);
                words.Add(char.ConvertFromUtf32(mapped));
                continue;
            }
            current.Append(char.ConvertFromUtf32(mapped));
        }
        Flush(words, current);
        return words;
    }

    private static void Flush(List<string> words, StringBuilder current)
    {
        if (current.Length > 0)
        {
            words.Add(current.ToString());
            current.Clear();
        }
    }

    // The CJK blocks BERT isolates (llama.cpp keeps Hugging Face's 0x2B920 lower bound for the fifth range).
    private static bool IsChineseCharacter(int cp) =>
        cp is (>= 0x4E00 and <= 0x9FFF) or (>= 0x3400 and <= 0x4DBF) or (>= 0x20000 and <= 0x2A6DF) or (>= 0x2A700 and <= 0x2B73F)
            or (>= 0x2B740 and <= 0x2B81F) or (>= 0x2B920 and <= 0x2CEAF) or (>= 0xF900 and <= 0xFAFF) or (>= 0x2F800 and <= 0x2FA1F);
}
