using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using LlmEngine.Tokenization.PreTokenization;

namespace LlmEngine.Tokenization.HuggingFace;

/// <summary>
/// The text preparation of a <c>tokenizer.json</c>: its normalizer and pre-tokenizer turned into normalizers (text
/// rewrites), split steps, and whether words are byte-level encoded. Metaspace's space replacement and ByteLevel's
/// prefix space are rewrites, so they must come before any split.
/// </summary>
internal sealed class HuggingFacePipeline
{
    private const string Gpt2Pattern = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";
    private const string Llama3Pattern =
        "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    private readonly string _path;

    /// <summary>Builds the pipeline from the <c>normalizer</c> and <c>pre_tokenizer</c> entries.</summary>
    public HuggingFacePipeline(JsonElement root, string path)
    {
        _path = path;
        if (root.TryGetObject("normalizer", out var normalizer))
        {
            AddNormalizer(normalizer);
        }
        if (root.TryGetObject("pre_tokenizer", out var pre))
        {
            AddPreTokenizer(pre);
        }
    }

    /// <summary>Normalizers and pre-tokenizer rewrites, in order.</summary>
    public List<INormalizer> Normalizers { get; } = [];

    /// <summary>Split steps, in order.</summary>
    public List<ISplitStep> Steps { get; } = [];

    /// <summary>Words are byte-level encoded (a ByteLevel pre-tokenizer).</summary>
    public bool ByteLevel { get; private set; }

    private void AddNormalizer(JsonElement n)
    {
        string? type = n.GetStringOrNull("type");
        switch (type)
        {
            case "Sequence":
                foreach (var child in n.GetArrayOrEmpty("normalizers"))
                {
                    AddNormalizer(child);
                }
                break;
            case "Prepend":
                Normalizers.Add(new PrependNormalizer(n.GetStringOrNull("prepend") ?? ""));
                break;
            case "Replace":
                var (literal, regex) = ReadPattern(n);
                Normalizers.Add(new ReplaceNormalizer(literal, regex is null ? null : new Regex(regex, RegexOptions.CultureInvariant), n.GetStringOrNull("content") ?? ""));
                break;
            case "NFC":
                Normalizers.Add(new UnicodeNormalizer(NormalizationForm.FormC));
                break;
            case "NFD":
                Normalizers.Add(new UnicodeNormalizer(NormalizationForm.FormD));
                break;
            case "NFKC":
                Normalizers.Add(new UnicodeNormalizer(NormalizationForm.FormKC));
                break;
            case "NFKD":
                Normalizers.Add(new UnicodeNormalizer(NormalizationForm.FormKD));
                break;
            case "Lowercase":
                Normalizers.Add(new LowercaseNormalizer());
                break;
            case "Strip":
                Normalizers.Add(new StripNormalizer(n.GetBool("strip_left", true), n.GetBool("strip_right", true)));
                break;
            default:
                throw Unsupported("normalizer", type);
        }
    }

    private void AddPreTokenizer(JsonElement p)
    {
        string? type = p.GetStringOrNull("type");
        if (ByteLevel)
        {
            throw new Models.ModelLoadException(_path, $"pre-tokenizer '{type}' after ByteLevel is not supported");
        }
        switch (type)
        {
            case "Sequence":
                foreach (var child in p.GetArrayOrEmpty("pretokenizers"))
                {
                    AddPreTokenizer(child);
                }
                break;
            case "ByteLevel":
                if (p.GetBool("add_prefix_space", false))
                {
                    RequireNoSplitYet(type);
                    Normalizers.Add(new PrependNormalizer(" ", unlessAlreadyPrefixed: true));
                }
                if (p.GetBool("use_regex", true))
                {
                    Steps.Add(new Gpt2SplitStep());
                }
                ByteLevel = true;
                break;
            case "Metaspace":
                AddMetaspace(p);
                break;
            case "Split":
                AddSplit(p);
                break;
            case "Digits":
                Steps.Add(new RegexSplitStep(p.GetBool("individual_digits", false) ? "\\p{N}" : "\\p{N}+"));
                break;
            case "WhitespaceSplit":
                Steps.Add(new RegexSplitStep("\\s+", SplitBehavior.Removed));
                break;
            default:
                throw Unsupported("pre-tokenizer", type);
        }
    }

    private void AddMetaspace(JsonElement p)
    {
        RequireNoSplitYet("Metaspace");
        string replacement = p.GetStringOrNull("replacement") ?? "\u2581";
        string scheme = p.GetStringOrNull("prepend_scheme") ?? (p.GetBool("add_prefix_space", true) ? "always" : "never");
        Normalizers.Add(new ReplaceNormalizer(" ", null, replacement));
        if (scheme != "never")
        {
            Normalizers.Add(new PrependNormalizer(replacement, onlyAtInputStart: scheme == "first", unlessAlreadyPrefixed: true));
        }
        if (p.GetBool("split", true))
        {
            Steps.Add(new RegexSplitStep(Regex.Escape(replacement), SplitBehavior.MergedWithNext));
        }
    }

    private void AddSplit(JsonElement p)
    {
        if (p.GetBool("invert", false))
        {
            throw Unsupported("Split with invert", "true");
        }
        var behavior = p.GetStringOrNull("behavior") switch
        {
            null or "Isolated" => SplitBehavior.Isolated,
            "Removed" => SplitBehavior.Removed,
            "MergedWithPrevious" => SplitBehavior.MergedWithPrevious,
            "MergedWithNext" => SplitBehavior.MergedWithNext,
            "Contiguous" => SplitBehavior.Contiguous,
            var other => throw Unsupported("Split behavior", other),
        };
        var (literal, regex) = ReadPattern(p);
        string pattern = regex ?? Regex.Escape(literal!);
        Steps.Add(behavior == SplitBehavior.Isolated && pattern is Llama3Pattern or Llama3SplitStep.Pattern ? new Llama3SplitStep()
            : behavior == SplitBehavior.Isolated && pattern is Gpt2Pattern ? new Gpt2SplitStep()
            : new RegexSplitStep(pattern, behavior));
    }

    private (string? Literal, string? Regex) ReadPattern(JsonElement e)
    {
        if (e.TryGetObject("pattern", out var pattern))
        {
            if (pattern.GetStringOrNull("String") is { } s)
            {
                return (s, null);
            }
            if (pattern.GetStringOrNull("Regex") is { } r)
            {
                return (null, r);
            }
        }
        throw new Models.ModelLoadException(_path, $"'{e.GetStringOrNull("type")}' has no String or Regex pattern");
    }

    private void RequireNoSplitYet(string? type)
    {
        if (Steps.Count > 0)
        {
            throw new Models.ModelLoadException(_path, $"pre-tokenizer '{type}' after a splitting pre-tokenizer is not supported");
        }
    }

    private Models.ModelLoadException Unsupported(string what, string? type) =>
        new(_path, $"unsupported {what} '{type ?? "(none)"}' in tokenizer.json");
}
