namespace LlmEngine.Tokenization.PreTokenization;

/// <summary>
/// The pre-tokenizer expressions and flags llama.cpp associates with each <c>tokenizer.ggml.pre</c> value
/// (from <c>llm_tokenizer_bpe</c> and <c>llama_vocab::impl::load</c>).
/// </summary>
internal static class LlamaPreTokenizerCatalog
{
    private const string Llama3 = Llama3SplitStep.Pattern;
    private const string Qwen2 =
        "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    private const string Qwen35 =
        "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?[\\p{L}\\p{M}]+|\\p{N}| ?[^\\s\\p{L}\\p{M}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    private const string Gpt4o =
        "[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))*((?=[\\p{L}])([^A-Z]))+(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?|[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))+((?=[\\p{L}])([^A-Z]))*(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    private const string Tekken =
        "[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))*((?=[\\p{L}])([^A-Z]))+|[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))+((?=[\\p{L}])([^A-Z]))*|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    private const string Gpt2Words = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)";
    private const string Bloom = " ?[^(\\s|.,!?…。，、।۔،)]+";
    // Escaped: these ranges include canonical singletons (U+1F7D, U+1FBE, U+2126, U+212A, ...) that editors normalize away.
    private const string DeepSeekLlmLetters =
        "\\s?[A-Za-z\u00B5\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u01BA\u01BC-\u01BF\u01C4-\u0293\u0295-\u02AF\u0370-\u0373\u0376\u0377\u037B-\u037D\u037F\u0386\u0388-\u038A\u038C\u038E-\u03A1\u03A3-\u03F5\u03F7-\u0481\u048A-\u052F\u0531-\u0556\u10A0-\u10C5\u13A0-\u13F5\u13F8-\u13FD\u1C90-\u1CBA\u1CBD-\u1CBF\u1D00-\u1D2B\u1D6B-\u1D77\u1D79-\u1D9A\u1E00-\u1F15\u1F18-\u1F1D\u1F20-\u1F45\u1F48-\u1F4D\u1F50-\u1F57\u1F59\u1F5B\u1F5D\u1F5F-\u1F7D\u1F80-\u1FB4\u1FB6-\u1FBC\u1FBE\u1FC2-\u1FC4\u1FC6-\u1FCC\u1FD0-\u1FD3\u1FD6-\u1FDB\u1FE0-\u1FEC\u1FF2-\u1FF4\u1FF6-\u1FFC\u2102\u2107\u210A-\u2113\u2115\u2119-\u211D\u2124\u2126\u2128\u212A-\u212D\u212F-\u2134\u2139\u213C-\u213F\u2145-\u2149\u214E\u2183\u2184\u2C00-\u2C7B\u2C7E-\u2CE4\u2CEB-\u2CEE\u2CF2\u2CF3\uA640-\uA66D\uA680-\uA69B\uA722-\uA76F\uA771-\uA787\uA78B-\uA78E\uAB70-\uABBF\uFB00-\uFB06\uFB13-\uFB17\uFF21-\uFF3A\uFF41-\uFF5A\U00010400-\U0001044F\U000104B0-\U000104D3\U000104D8-\U000104FB\U00010C80-\U00010CB2\U00010CC0-\U00010CF2\U000118A0-\U000118DF\U0001E900-\U0001E943]+";

    /// <summary>
    /// Looks up <paramref name="pre"/> (null or empty means llama.cpp's "default"). Returns false for a name llama.cpp
    /// does not know or this port does not support.
    /// </summary>
    public static bool TryGet(string? pre, out LlamaPreTokenizerSpec spec)
    {
        spec = (pre ?? "default") switch
        {
            "" or "default" => new(
            [
                "[\\p{P}\\$\\+<=>\\^~\\|]+",
                Gpt2Words,
                "\\p{N}+",
                "[0-9][0-9][0-9]",
            ]),
            "llama3" or "llama-v3" or "llama-bpe" or "falcon3" or "falcon-h1" or "pixtral" or "midm-2.0" or "lfm2" or "jina-v5-nano"
                => new([Llama3]) { IgnoreMerges = true, AddBos = true },
            "dbrx" or "smaug-bpe" => new([Llama3]),
            "deepseek-llm" => new(
            [
                "[\r\n]",
                DeepSeekLlmLetters,
                "\\s?[!-/:-~！-／：-～‘-‟　-。]+",
                "\\s+$",
                "[一-龥ࠀ-一가-퟿]+",
                "\\p{N}+",
            ]),
            "deepseek-coder" => new(["[\r\n]", "\\s?\\p{L}+", "\\s?\\p{P}+", "[一-龥ࠀ-一가-퟿]+", "\\p{N}"]),
            "deepseek-v3" or "hunyuan-dense" or "joyai-llm" => new(
            [
                "\\p{N}{1,3}",
                "[一-龥぀-ゟ゠-ヿ]+",
                "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\r\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+| ?[\\p{P}\\p{S}]+[\r\n]*|\\s*[\r\n]+|\\s+(?!\\S)|\\s+",
            ]),
            "falcon" => new(["[\\p{P}\\$\\+<=>\\^~\\|`]+", Gpt2Words, "[0-9][0-9][0-9]"]),
            "starcoder" or "refact" or "command-r" or "smollm" or "codeshell" or "exaone" or "minerva-7b" or "mellum2"
                => new(["\\p{N}", Gpt2Words]),
            "gpt-2" or "phi-2" or "jina-es" or "jina-de" or "gigachat" or "jina-v2-es" or "jina-v2-de" or "a.x-4.0" or "mellum"
                or "modern-bert" or "mpt" or "olmo" or "jais" or "trillion" or "granite-docling" or "exaone4" => new([Gpt2Words]),
            "jina-v1-en" or "jina-v2-code" or "roberta-bpe" => new([Gpt2Words]) { AddSeparator = true },
            "qwen2" or "deepseek-r1-qwen" or "kormo" or "f2llmv2" or "stablelm2" or "hunyuan" or "solar-open" or "megrez" => new([Qwen2]),
            "qwen35" => new([Qwen35]),
            "poro-chat" or "bloom" or "gpt3-finnish" => new([Bloom]),
            "viking" => new([Bloom, "\\p{N}"]),
            "glm4" or "chatglm-bpe" => new([Llama3]) { NoBos = true },
            "tekken" => new([Tekken]) { IgnoreMerges = true, AddBos = true },
            "gpt-4o" or "llama4" or "kanana2" or "talkie" => new([Gpt4o]),
            "seed-coder" => new(
            [
                "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1}| ?[^\\s\\p{L}\\p{N}\\r\\n]+|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
            ]),
            "grok-2" => new([Qwen2]),
            "bailingmoe" or "bailingmoe2" or "llada-moe" => new(
            [
                "'(?:[sSdDmMtT]|[lL][lL]|[vV][eE]|[rR][eE])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]|\\s+(?!\\S)|\\s+",
            ]),
            _ => null!,
        };
        return spec is not null;
    }
}

/// <summary>A llama.cpp pre-tokenizer: its expressions and the vocabulary flags that come with it.</summary>
/// <param name="Patterns">The expressions, applied in order.</param>
internal sealed record LlamaPreTokenizerSpec(string[] Patterns)
{
    /// <summary>A word that is itself a token is emitted without merging (Llama 3, Tekken).</summary>
    public bool IgnoreMerges { get; init; }

    /// <summary>BOS is added by default.</summary>
    public bool AddBos { get; init; }

    /// <summary>The model has no BOS by default (ChatGLM).</summary>
    public bool NoBos { get; init; }

    /// <summary>A separator is appended by default (RoBERTa-style encoders).</summary>
    public bool AddSeparator { get; init; }
}
