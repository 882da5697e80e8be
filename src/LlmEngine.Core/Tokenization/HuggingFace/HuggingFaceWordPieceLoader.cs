using System.Text.Json;
using LlmEngine.Models;
using LlmEngine.Models.Gguf;

namespace LlmEngine.Tokenization.HuggingFace;

/// <summary>
/// Builds the tokenizer of a BERT-family <c>tokenizer.json</c> (<c>"model": {"type": "WordPiece"}</c>) by converting
/// it as llama.cpp's converter does and loading the result like a GGUF <c>bert</c> vocabulary: word-initial pieces get
/// the ▁ prefix, continuation pieces lose their <c>##</c>, bracketed specials stay as they are; the
/// <c>BertNormalizer</c>'s lowercase and strip-accents flags, <c>[UNK]</c>, <c>[CLS]</c> and <c>[SEP]</c> carry over.
/// So a Hugging Face folder tokenizes exactly as the GGUF converted from it.
/// </summary>
internal static class HuggingFaceWordPieceLoader
{
    private const string WordStart = "\u2581";
    private const string Prefix = "tokenizer.ggml.";

    public static ModelTokenizer Load(JsonElement root, JsonElement model, JsonElement config, string path)
    {
        var continuation = model.GetStringOrNull("continuing_subword_prefix") ?? "##";
        var byId = new Dictionary<int, (string Text, bool Special)>();
        if (model.TryGetObject("vocab", out var vocab))
        {
            foreach (var entry in vocab.EnumerateObject())
            {
                byId[entry.Value.GetInt32()] = (entry.Name, false);
            }
        }
        foreach (var token in root.GetArrayOrEmpty("added_tokens"))
        {
            var id = token.GetProperty("id").GetInt32();
            byId[id] = (token.GetStringOrNull("content") ?? throw new ModelLoadException(path, $"added token {id} has no content"), token.GetBool("special", false));
        }
        if (byId.Count == 0)
        {
            throw new ModelLoadException(path, "tokenizer.json has an empty vocabulary");
        }
        var count = byId.Keys.Max() + 1;
        var tokens = new string[count];
        var types = new int[count];
        for (var id = 0; id < count; id++)
        {
            if (!byId.TryGetValue(id, out var entry))
            {
                tokens[id] = $"[UNUSED_ID_{id}]";
                types[id] = 5;
                continue;
            }
            var bracketed = entry.Text.Length > 1 && entry.Text.StartsWith('[') && entry.Text.EndsWith(']');
            tokens[id] = bracketed || entry.Special ? entry.Text
                : entry.Text.StartsWith(continuation, StringComparison.Ordinal) && entry.Text.Length > continuation.Length ? entry.Text[continuation.Length..]
                : WordStart + entry.Text;
            types[id] = entry.Special ? 3 : 1;
        }

        var (lowercase, stripAccents) = ReadNormalizer(root, path);
        int? Find(string? text)
        {
            if (text is null)
            {
                return null;
            }
            foreach (var (id, entry) in byId)
            {
                if (entry.Text == text)
                {
                    return id;
                }
            }
            return null;
        }
        var unknown = Find(model.GetStringOrNull("unk_token") ?? "[UNK]");
        var cls = Find(config.GetTokenContent("cls_token") ?? "[CLS]");
        var sep = Find(config.GetTokenContent("sep_token") ?? "[SEP]");
        var pad = Find(config.GetTokenContent("pad_token") ?? "[PAD]");
        // BertProcessing / TemplateProcessing wrap the input in [CLS] ... [SEP]; without a post-processor nothing is added.
        var wraps = root.TryGetObject("post_processor", out _);

        var entries = new List<KeyValuePair<string, (GgufValueType, object)>>
        {
            new(Prefix + "model", (GgufValueType.String, "bert")),
            new(Prefix + "tokens", (GgufValueType.Array, new GgufArray(GgufValueType.String, tokens))),
            new(Prefix + "token_type", (GgufValueType.Array, new GgufArray(GgufValueType.Int32, types))),
            new(Prefix + "normalizer.lowercase", (GgufValueType.Bool, lowercase)),
            new(Prefix + "normalizer.strip_accents", (GgufValueType.Bool, stripAccents)),
            new(Prefix + "add_bos_token", (GgufValueType.Bool, wraps && cls is not null)),
            new(Prefix + "add_sep_token", (GgufValueType.Bool, wraps && sep is not null)),
        };
        void Id(string key, int? id)
        {
            if (id is { } value)
            {
                entries.Add(new(Prefix + key, (GgufValueType.UInt32, (uint)value)));
            }
        }
        Id("unknown_token_id", unknown);
        Id("bos_token_id", cls);
        Id("seperator_token_id", sep);
        Id("padding_token_id", pad);
        return GgufTokenizerLoader.Load(new GgufMetadata(entries), path);
    }

    private static (bool Lowercase, bool StripAccents) ReadNormalizer(JsonElement root, string path)
    {
        if (!root.TryGetObject("normalizer", out var normalizer))
        {
            return (false, false);
        }
        var type = normalizer.GetStringOrNull("type");
        if (type != "BertNormalizer")
        {
            throw new ModelLoadException(path, $"WordPiece tokenizer with normalizer '{type}' is not supported (BertNormalizer is)");
        }
        var lowercase = normalizer.GetBool("lowercase", true);
        // BERT strips accents whenever it lowercases unless strip_accents says otherwise.
        var stripAccents = normalizer.TryGetProperty("strip_accents", out var strip) && strip.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? strip.GetBoolean()
            : lowercase;
        return (lowercase, stripAccents);
    }
}
