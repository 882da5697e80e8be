using LlmEngine.Models;
using LlmEngine.Models.Gguf;
using LlmEngine.Tokenization.PreTokenization;

namespace LlmEngine.Tokenization;

/// <summary>
/// Builds a <see cref="ModelTokenizer"/> from GGUF <c>tokenizer.ggml.*</c> metadata with llama.cpp's defaults and
/// overrides (<c>llama_vocab::impl::load</c>).
/// </summary>
internal static class GgufTokenizerLoader
{
    private const string Prefix = "tokenizer.ggml.";

    public static ModelTokenizer Load(GgufMetadata metadata, string sourcePath)
    {
        string? model = metadata.TokenizerModel;
        string[] tokens = metadata.Tokens is { Length: > 0 } t
            ? (string[])t.Clone()
            : throw new ModelLoadException(sourcePath, "the file has no tokenizer vocabulary (tokenizer.ggml.tokens)");
        var kind = model switch
        {
            "llama" => model,
            "gpt2" => model,
            "bert" => model,
            null => throw new ModelLoadException(sourcePath, "the file names no tokenizer model (tokenizer.ggml.model)"),
            _ => throw new ModelLoadException(sourcePath, $"unknown tokenizer model '{model}' (tokenizer.ggml.model); supported: llama, gpt2, bert"),
        };

        var vocabulary = CreateVocabulary(metadata, sourcePath, tokens);
        var ids = new SpecialIds(kind);
        bool addSpacePrefix = kind == "llama";
        bool addBos = kind is "llama" or "bert";
        bool addEos = false;
        bool addSeparator = kind == "bert";
        LlamaPreTokenizerSpec? pre = null;
        if (kind == "gpt2")
        {
            if (!LlamaPreTokenizerCatalog.TryGet(metadata.TokenizerPre, out pre))
            {
                throw new ModelLoadException(sourcePath, $"unknown pre-tokenizer type '{metadata.TokenizerPre}' (tokenizer.ggml.pre)");
            }
            addBos = pre.AddBos;
            addSeparator = pre.AddSeparator;
            if (pre.NoBos)
            {
                ids.Bos = null;
            }
        }
        addSpacePrefix = metadata.GetBool(Prefix + "add_space_prefix") ?? addSpacePrefix;
        ids.Read(metadata, vocabulary.Count);
        addBos = metadata.AddBosToken ?? addBos;
        addEos = metadata.AddEosToken ?? addEos;
        addSeparator = metadata.GetBool(Prefix + "add_sep_token") ?? addSeparator;

        DetectEndOfTurnTokens(vocabulary, ids);
        MarkAlwaysRenderedTokens(vocabulary);
        int[] endOfGeneration = EndOfGeneration.Collect(vocabulary, [ids.Eos, ids.Eot, ids.Eom, ids.FimPad, ids.FimRep, ids.FimSep]);
        ApplyModelSpecificAttributes(metadata, vocabulary);

        ITokenizationModel algorithm = kind switch
        {
            "llama" => new SentencePieceBpeModel(vocabulary, addSpacePrefix, ids.Unk ?? -1),
            "gpt2" => new BytePairModel(vocabulary, new BpeMergeTable(vocabulary, ReadMerges(metadata, sourcePath)), new BytePairOptions
            {
                PreTokenizer = SplitStepPreTokenizer.FromPatterns(pre!.Patterns),
                ByteLevel = true,
                IgnoreMerges = pre.IgnoreMerges,
            }),
            _ => new WordPieceModel(
                vocabulary,
                lowercase: metadata.GetBool(Prefix + "normalizer.lowercase") ?? true,
                stripAccents: metadata.GetBool(Prefix + "normalizer.strip_accents") ?? metadata.GetBool(Prefix + "normalizer.lowercase") ?? true,
                ids.Unk ?? -1),
        };
        return new ModelTokenizer(new TokenizerSettings
        {
            Kind = kind,
            Vocabulary = vocabulary,
            Model = algorithm,
            PieceDecoding = kind == "gpt2" ? PieceDecoding.ByteLevel : PieceDecoding.SpaceSymbol,
            BosTokenId = ids.Bos,
            EosTokenId = ids.Eos,
            SeparatorTokenId = ids.Sep,
            AddBos = addBos && ids.Bos is not null,
            AddEos = addEos && ids.Eos is not null,
            AddSeparator = addSeparator && ids.Sep is not null,
            // WordPiece vocabularies in GGUF mark word starts with ▁, so a decoded text would start with a space that the
            // original never had (Hugging Face's WordPiece decoder drops it too).
            RemoveLeadingSpaceOnDecode = (kind == "llama" && addSpacePrefix) || kind == "bert",
            EndOfGenerationTokenIds = endOfGeneration,
        });
    }

    private static Vocabulary CreateVocabulary(GgufMetadata metadata, string sourcePath, string[] tokens)
    {
        float[]? scores = metadata.TokenScores;
        if (scores is null && metadata.GetArray<int>(Prefix + "scores") is { } integerScores)
        {
            scores = Array.ConvertAll(integerScores, s => (float)s);
        }
        if (scores is not null && scores.Length < tokens.Length)
        {
            throw new ModelLoadException(sourcePath, $"tokenizer.ggml.scores has {scores.Length} entries for {tokens.Length} tokens");
        }
        int[]? types = metadata.TokenTypes;
        if (types is not null && types.Length < tokens.Length)
        {
            throw new ModelLoadException(sourcePath, $"tokenizer.ggml.token_type has {types.Length} entries for {tokens.Length} tokens");
        }
        var attributes = new TokenAttributes[tokens.Length];
        for (int i = 0; i < attributes.Length; i++)
        {
            attributes[i] = types is null ? TokenAttributes.Normal : TokenAttributesExtensions.FromGgufTokenType(types[i]);
        }
        try
        {
            return new Vocabulary(tokens, scores, attributes);
        }
        catch (ArgumentException e)
        {
            throw new ModelLoadException(sourcePath, e.Message, e);
        }
    }

    private static List<(string, string)> ReadMerges(GgufMetadata metadata, string sourcePath)
    {
        string[] merges = metadata.Merges
            ?? throw new ModelLoadException(sourcePath, "a gpt2 tokenizer needs merges (tokenizer.ggml.merges)");
        var pairs = new List<(string, string)>(merges.Length);
        foreach (string merge in merges)
        {
            // The separator is the first space after the first character (a half may itself be a space).
            int space = merge.Length > 1 ? merge.IndexOf(' ', 1) : -1;
            pairs.Add(space < 0 ? ("", "") : (merge[..space], merge[(space + 1)..]));
        }
        return pairs;
    }

    // llama.cpp names an end-of-turn token by its text when the file does not, and makes such tokens control tokens.
    private static void DetectEndOfTurnTokens(Vocabulary vocabulary, SpecialIds ids)
    {
        if (ids.Eot is null)
        {
            foreach (string text in EndOfGeneration.EndOfTurnTexts)
            {
                if (vocabulary.FindOrNull(text) is int id)
                {
                    ids.Eot = id;
                    vocabulary.Attributes[id] |= TokenAttributes.Control;
                    break;
                }
            }
        }
        if (ids.Eom is null && vocabulary.FindOrNull("<|eom_id|>") is int eom)
        {
            ids.Eom = eom;
            vocabulary.Attributes[eom] |= TokenAttributes.Control;
        }
        ids.FimPad ??= FindControl(vocabulary, "<|fim_pad|>", "<fim-pad>", "<fim_pad>", "<PAD>", "[PAD]");
        ids.FimRep ??= FindControl(vocabulary, "<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>", "<reponame>");
        ids.FimSep ??= FindControl(vocabulary, "<|file_sep|>");
    }

    private static int? FindControl(Vocabulary vocabulary, params string[] texts)
    {
        foreach (string text in texts)
        {
            if (vocabulary.FindOrNull(text) is int id)
            {
                vocabulary.Attributes[id] |= TokenAttributes.Control;
                return id;
            }
        }
        return null;
    }

    // gpt-oss's channel markers must always be rendered, so llama.cpp makes them user-defined.
    private static void MarkAlwaysRenderedTokens(Vocabulary vocabulary)
    {
        foreach (string text in (string[])["<|channel|>", "<|message|>", "<|start|>", "<|constrain|>"])
        {
            if (vocabulary.FindOrNull(text) is int id)
            {
                vocabulary.Attributes[id] = TokenAttributes.UserDefined;
            }
        }
    }

    // llama.cpp's per-model strip attributes (keyed by model name and pre-tokenizer, since GGUF does not store them).
    private static void ApplyModelSpecificAttributes(GgufMetadata metadata, Vocabulary vocabulary)
    {
        string name = (metadata.Name ?? "").ToLowerInvariant();
        string pre = metadata.TokenizerPre ?? "";
        string arch = metadata.Architecture ?? "";
        if (pre is "jina-v2-de" or "jina-v2-es" or "jina-v2-code" || arch.Contains("nomic-bert-moe", StringComparison.Ordinal)
            || arch.Contains("jina-bert-v3", StringComparison.Ordinal))
        {
            SetAttribute(vocabulary, "<mask>", TokenAttributes.LeftStrip, true);
        }
        else if (name.Contains("phi-3", StringComparison.Ordinal) || name.Contains("phi3", StringComparison.Ordinal))
        {
            for (int id = 0; id < vocabulary.Count; id++)
            {
                if (vocabulary.Has(id, TokenAttributes.Control | TokenAttributes.UserDefined | TokenAttributes.Unknown))
                {
                    vocabulary.Attributes[id] |= TokenAttributes.RightStrip;
                }
            }
            SetAttribute(vocabulary, "</s>", TokenAttributes.RightStrip, true);
            foreach (string text in (string[])["<unk>", "<s>", "<|endoftext|>"])
            {
                SetAttribute(vocabulary, text, TokenAttributes.RightStrip, false);
            }
        }
        else if (name.Contains("modern-bert", StringComparison.Ordinal))
        {
            SetAttribute(vocabulary, "[MASK]", TokenAttributes.LeftStrip, true);
        }
    }

    private static void SetAttribute(Vocabulary vocabulary, string text, TokenAttributes attribute, bool value)
    {
        if (vocabulary.FindOrNull(text) is int id)
        {
            vocabulary.Attributes[id] = value ? vocabulary.Attributes[id] | attribute : vocabulary.Attributes[id] & ~attribute;
        }
    }

    /// <summary>The special token ids with llama.cpp's per-model defaults, overridden by the file.</summary>
    private sealed class SpecialIds(string kind)
    {
        public int? Bos = kind switch { "llama" => 1, "bert" => 101, _ => 11 };
        public int? Eos = kind switch { "llama" => 2, "bert" => null, _ => 11 };
        public int? Unk = kind switch { "llama" => 0, "bert" => 100, _ => null };
        public int? Sep = kind == "bert" ? 102 : null;
        public int? Eot;
        public int? Eom;
        public int? FimPad;
        public int? FimRep;
        public int? FimSep;

        public void Read(GgufMetadata metadata, int count)
        {
            Bos = Override(metadata, "bos_token_id", Bos, count);
            Eos = Override(metadata, "eos_token_id", Eos, count);
            Eot = Override(metadata, "eot_token_id", Eot, count);
            Eom = Override(metadata, "eom_token_id", Eom, count);
            Unk = Override(metadata, "unknown_token_id", Unk, count);
            Sep = Override(metadata, "seperator_token_id", Sep, count);
            FimPad = Override(metadata, "fim_pad_token_id", FimPad, count);
            FimRep = Override(metadata, "fim_rep_token_id", FimRep, count);
            FimSep = Override(metadata, "fim_sep_token_id", FimSep, count);
        }

        // A default outside the vocabulary is dropped; a file value outside it is ignored (llama.cpp warns and keeps the default).
        private static int? Override(GgufMetadata metadata, string key, int? current, int count)
        {
            if (current is int c && c >= count)
            {
                current = null;
            }
            long? value = metadata.GetInteger(Prefix + key);
            return value is long v && v >= 0 && v < count ? (int)v : current;
        }
    }
}
