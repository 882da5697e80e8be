using System.Text.Json;
using LlmEngine.Models;
using LlmEngine.Tokenization.PreTokenization;

namespace LlmEngine.Tokenization.HuggingFace;

/// <summary>
/// Builds a <see cref="ModelTokenizer"/> from a Hugging Face <c>tokenizer.json</c> (BPE model) and, optionally,
/// <c>tokenizer_config.json</c> (BOS/EOS texts and whether to add them).
/// </summary>
internal static class HuggingFaceTokenizerLoader
{
    public static ModelTokenizer Load(string tokenizerJsonPath, string? tokenizerConfigPath)
    {
        using var json = Parse(tokenizerJsonPath);
        using var config = tokenizerConfigPath is null ? null : Parse(tokenizerConfigPath);
        var root = json.RootElement;
        var configRoot = config?.RootElement ?? default;
        string path = Path.GetFullPath(tokenizerJsonPath);

        if (root.TryGetObject("model", out var wordPiece) && wordPiece.GetStringOrNull("type") == "WordPiece")
        {
            return HuggingFaceWordPieceLoader.Load(root, wordPiece, configRoot, path);
        }
        if (!root.TryGetObject("model", out var model) || model.GetStringOrNull("type") is not ("BPE" or null))
        {
            throw new ModelLoadException(path, $"unsupported tokenizer model '{(root.TryGetObject("model", out var m) ? m.GetStringOrNull("type") : null)}'; supported: BPE, WordPiece");
        }
        if (!string.IsNullOrEmpty(model.GetStringOrNull("continuing_subword_prefix")) || !string.IsNullOrEmpty(model.GetStringOrNull("end_of_word_suffix")))
        {
            throw new ModelLoadException(path, "BPE continuing_subword_prefix / end_of_word_suffix are not supported");
        }
        var decoder = DecoderInfo.Read(root);
        bool byteFallback = model.GetBool("byte_fallback", false);
        var vocabulary = BuildVocabulary(root, model, path, byteFallback || decoder.ByteFallback);
        var merges = ReadMerges(model, path);
        var pipeline = new HuggingFacePipeline(root, path);
        string? unk = model.GetStringOrNull("unk_token");
        int unkId = unk is null ? -1 : vocabulary.FindOrNull(unk) ?? -1;
        if (unkId >= 0)
        {
            vocabulary.Attributes[unkId] |= TokenAttributes.Unknown;
        }

        var post = PostProcessorInfo.Read(root, vocabulary);
        int? bos = FindToken(vocabulary, configRoot.GetTokenContent("bos_token")) ?? post.Bos;
        int? eos = FindToken(vocabulary, configRoot.GetTokenContent("eos_token")) ?? post.Eos;
        bool addBos = configRoot.GetBool("add_bos_token", post.Bos is not null);
        bool addEos = configRoot.GetBool("add_eos_token", post.Eos is not null);
        int[] endOfGeneration = EndOfGeneration.Collect(vocabulary, [eos]);

        var options = new BytePairOptions
        {
            Normalizer = pipeline.Normalizers.Count > 0 ? new SequenceNormalizer(pipeline.Normalizers) : null,
            PreTokenizer = pipeline.Steps.Count > 0 ? new SplitStepPreTokenizer(pipeline.Steps) : null,
            ByteLevel = pipeline.ByteLevel,
            IgnoreMerges = model.GetBool("ignore_merges", false),
            HuggingFaceFallback = true,
            ByteFallback = byteFallback,
            UnknownTokenId = unkId,
            FuseUnknown = model.GetBool("fuse_unk", false),
        };
        BpeMergeTable table;
        try
        {
            table = new BpeMergeTable(vocabulary, merges);
        }
        catch (ArgumentException e)
        {
            throw new ModelLoadException(path, e.Message, e);
        }
        return new ModelTokenizer(new TokenizerSettings
        {
            Kind = "hf-bpe",
            Vocabulary = vocabulary,
            Model = new BytePairModel(vocabulary, table, options),
            PieceDecoding = decoder.ByteLevel ? PieceDecoding.ByteLevel : PieceDecoding.SpaceSymbol,
            BosTokenId = bos,
            EosTokenId = eos,
            SeparatorTokenId = post.Separator,
            AddBos = addBos && bos is not null,
            AddEos = addEos && eos is not null,
            AddSeparator = post.Separator is not null,
            RemoveLeadingSpaceOnDecode = decoder.StripsLeadingSpace,
            EndOfGenerationTokenIds = endOfGeneration,
        });
    }

    private static JsonDocument Parse(string path)
    {
        try
        {
            return JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { AllowTrailingCommas = true });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new ModelLoadException(Path.GetFullPath(path), "cannot read tokenizer file: " + e.Message, e);
        }
    }

    private static Vocabulary BuildVocabulary(JsonElement root, JsonElement model, string path, bool byteTokens)
    {
        var byId = new Dictionary<int, string>();
        if (model.TryGetObject("vocab", out var vocab))
        {
            foreach (var entry in vocab.EnumerateObject())
            {
                byId[entry.Value.GetInt32()] = entry.Name;
            }
        }
        var added = new Dictionary<int, TokenAttributes>();
        foreach (var token in root.GetArrayOrEmpty("added_tokens"))
        {
            int id = token.GetProperty("id").GetInt32();
            byId[id] = token.GetStringOrNull("content") ?? throw new ModelLoadException(path, $"added token {id} has no content");
            var attributes = token.GetBool("special", false) ? TokenAttributes.Control : TokenAttributes.UserDefined;
            if (token.GetBool("lstrip", false))
            {
                attributes |= TokenAttributes.LeftStrip;
            }
            if (token.GetBool("rstrip", false))
            {
                attributes |= TokenAttributes.RightStrip;
            }
            added[id] = attributes;
        }
        if (byId.Count == 0)
        {
            throw new ModelLoadException(path, "tokenizer.json has an empty vocabulary");
        }
        int count = byId.Keys.Max() + 1;
        var tokens = new string[count];
        var attrs = new TokenAttributes[count];
        for (int id = 0; id < count; id++)
        {
            if (!byId.TryGetValue(id, out string? text))
            {
                // Holes in the id space become unused placeholders so ids keep their meaning.
                tokens[id] = $"[UNUSED_ID_{id}]";
                attrs[id] = TokenAttributes.Unused;
                continue;
            }
            tokens[id] = text;
            attrs[id] = added.TryGetValue(id, out var a) ? a
                : byteTokens && TokenBytes.TryParseByteToken(text, out _) ? TokenAttributes.Byte
                : TokenAttributes.Normal;
        }
        try
        {
            return new Vocabulary(tokens, null, attrs);
        }
        catch (ArgumentException e)
        {
            throw new ModelLoadException(path, e.Message, e);
        }
    }

    private static List<(string, string)> ReadMerges(JsonElement model, string path)
    {
        var merges = new List<(string, string)>();
        foreach (var merge in model.GetArrayOrEmpty("merges"))
        {
            if (merge.ValueKind == JsonValueKind.String)
            {
                string s = merge.GetString()!;
                int space = s.IndexOf(' ', StringComparison.Ordinal);
                if (space <= 0 || s.IndexOf(' ', space + 1) >= 0)
                {
                    throw new ModelLoadException(path, $"malformed merge '{s}'");
                }
                merges.Add((s[..space], s[(space + 1)..]));
            }
            else if (merge.ValueKind == JsonValueKind.Array && merge.GetArrayLength() == 2)
            {
                merges.Add((merge[0].GetString() ?? "", merge[1].GetString() ?? ""));
            }
            else
            {
                throw new ModelLoadException(path, $"malformed merge {merge.GetRawText()}");
            }
        }
        return merges;
    }

    private static int? FindToken(Vocabulary vocabulary, string? text) => text is null ? null : vocabulary.FindOrNull(text);
}
