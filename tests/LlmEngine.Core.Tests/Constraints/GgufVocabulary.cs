using System.Text;
using LlmEngine.Models.Gguf;

namespace LlmEngine.Tests.Constraints;

/// <summary>
/// Token byte strings of a real vocabulary, read from GGUF metadata, for mask tests until the engine's tokenizers
/// land: byte-level BPE symbols map back through GPT-2's bytes_to_unicode table, SentencePiece's ▁ is a space and
/// <c>&lt;0xNN&gt;</c> byte-fallback tokens are their byte. Control, unknown and unused tokens are special.
/// </summary>
internal static class GgufVocabulary
{
    public static TestVocabularyTokenizer Load(string path)
    {
        using var file = GgufFile.Open(path);
        var metadata = file.Metadata;
        var tokens = metadata.Tokens ?? throw new InvalidOperationException("no tokenizer.ggml.tokens");
        var types = metadata.TokenTypes ?? new int[tokens.Length];
        var byteLevel = metadata.TokenizerModel == "gpt2";
        var unicodeToByte = ByteLevelDecoding();
        var bytes = new List<byte[]>(tokens.Length);
        var special = new List<int>();
        for (var id = 0; id < tokens.Length; id++)
        {
            var type = types[id];
            if (type is 2 or 3 or 5)
            {
                special.Add(id);
                bytes.Add(Encoding.UTF8.GetBytes(tokens[id]));
            }
            else if (type == 6 && tokens[id].StartsWith("<0x", StringComparison.Ordinal))
            {
                bytes.Add([Convert.ToByte(tokens[id][3..5], 16)]);
            }
            else if (byteLevel && type != 4)
            {
                bytes.Add([.. tokens[id].Select(c => unicodeToByte[c])]);
            }
            else
            {
                bytes.Add(Encoding.UTF8.GetBytes(tokens[id].Replace('\u2581', ' ')));
            }
        }
        var eos = metadata.EosTokenId is { } e ? (int)e : (int?)null;
        return new TestVocabularyTokenizer(bytes, tokens, special, eos);
    }

    private static Dictionary<char, byte> ByteLevelDecoding()
    {
        var printable = new List<int>();
        printable.AddRange(Enumerable.Range('!', '~' - '!' + 1));
        printable.AddRange(Enumerable.Range('¡', '¬' - '¡' + 1));
        printable.AddRange(Enumerable.Range('®', 'ÿ' - '®' + 1));
        var map = new Dictionary<char, byte>();
        var next = 0;
        for (var b = 0; b < 256; b++)
        {
            map[printable.Contains(b) ? (char)b : (char)(256 + next++)] = (byte)b;
        }
        return map;
    }
}
