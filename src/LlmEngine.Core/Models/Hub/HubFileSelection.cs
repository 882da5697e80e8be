namespace LlmEngine.Models.Hub;

/// <summary>
/// Which files of a repository a model needs. A GGUF repository: the one <c>.gguf</c> whose name carries the
/// quantisation tag (or Q4_K_M, else the only or first one, when no tag is given). A transformers repository: the
/// configs, tokenizer files, chat template and safetensors weights, nothing else (no READMEs, other formats, or
/// PyTorch pickles).
/// </summary>
/// <param name="Files">The repository-relative paths to fetch.</param>
/// <param name="ModelFile">The GGUF file to load, or null when the snapshot folder is the model (transformers).</param>
/// <param name="Note">What was chosen when the user did not say (the default quantisation), or null.</param>
public sealed record HubFileSelection(IReadOnlyList<string> Files, string? ModelFile, string? Note)
{
    /// <summary>The quantisation picked when a GGUF repository is named without a tag, as <c>llama.cpp -hf</c> does.</summary>
    public const string DefaultQuantization = "Q4_K_M";

    private static readonly string[] s_transformersFiles =
    [
        "config.json", "generation_config.json", "special_tokens_map.json", "chat_template.jinja", "chat_template.json",
    ];

    /// <summary>Chooses the files of <paramref name="repoId"/> (whose files are <paramref name="files"/>) for <paramref name="quantization"/>.</summary>
    /// <exception cref="HubException">The repository holds no loadable model, or the tag matches no file or several.</exception>
    public static HubFileSelection Select(string repoId, string? quantization, IReadOnlyList<string> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var ggufs = new List<string>();
        var safetensors = new List<string>();
        var hasConfig = false;
        foreach (var file in files)
        {
            if (file.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase) && !FileName(file).Contains("mmproj", StringComparison.OrdinalIgnoreCase))
            {
                ggufs.Add(file);
            }
            else if (!file.Contains('/', StringComparison.Ordinal) && file.EndsWith(".safetensors", StringComparison.Ordinal))
            {
                safetensors.Add(file);
            }
            hasConfig |= file == "config.json";
        }
        ggufs.Sort(StringComparer.Ordinal);
        if (quantization is not null || !(hasConfig && safetensors.Count > 0))
        {
            if (ggufs.Count == 0)
            {
                throw new HubException(repoId, quantization is not null
                    ? $"'{repoId}' has no .gguf files to pick '{quantization}' from; files: {List(files)}."
                    : $"'{repoId}' holds neither a GGUF model (.gguf files) nor a transformers model (config.json and .safetensors); files: {List(files)}.");
            }
            return SelectGguf(repoId, quantization, ggufs);
        }
        return SelectTransformers(files, safetensors);
    }

    private static HubFileSelection SelectGguf(string repoId, string? quantization, List<string> ggufs)
    {
        if (quantization is null)
        {
            var preferred = Matching(ggufs, DefaultQuantization);
            var chosen = preferred.Count == 1 ? preferred[0] : ggufs[0];
            var why = preferred.Count == 1 ? $"the default {DefaultQuantization}"
                : ggufs.Count == 1 ? "the only .gguf" : $"no {DefaultQuantization} file, so the first .gguf";
            var others = ggufs.Count > 1 ? $"; add ':TAG' to choose another of: {List(ggufs)}" : "";
            return new HubFileSelection([chosen], chosen, $"no quantisation tag given for {repoId}: using {chosen} ({why}){others}");
        }
        var matches = Matching(ggufs, quantization);
        return matches.Count switch
        {
            1 => new HubFileSelection([matches[0]], matches[0], null),
            0 => throw new HubException(repoId, $"'{repoId}' has no .gguf file for '{quantization}'; available: {List(ggufs)}."),
            _ => throw new HubException(repoId, $"'{repoId}:{quantization}' matches several .gguf files: {List(matches)}; give a longer tag that names one (split GGUF files are not supported)."),
        };
    }

    /// <summary>
    /// Files whose name holds the tag as a whole word (<c>Q4_K</c> does not pick <c>Q4_K_M</c>), falling back to a
    /// plain case-insensitive substring match when no name holds it as a word.
    /// </summary>
    private static List<string> Matching(List<string> ggufs, string tag)
    {
        var whole = new List<string>();
        var partial = new List<string>();
        foreach (var file in ggufs)
        {
            var name = FileName(file);
            var stem = name[..^".gguf".Length];
            var at = stem.IndexOf(tag, StringComparison.OrdinalIgnoreCase);
            if (at < 0)
            {
                continue;
            }
            partial.Add(file);
            for (; at >= 0; at = stem.IndexOf(tag, at + 1, StringComparison.OrdinalIgnoreCase))
            {
                var end = at + tag.Length;
                if ((at == 0 || stem[at - 1] is '-' or '.' or '_') && (end == stem.Length || stem[end] is '-' or '.'))
                {
                    whole.Add(file);
                    break;
                }
            }
        }
        return whole.Count > 0 ? whole : partial;
    }

    private static HubFileSelection SelectTransformers(IReadOnlyList<string> files, List<string> safetensors)
    {
        // Mistral-style repositories ship the same weights twice (consolidated.safetensors beside model*.safetensors).
        var weights = safetensors.FindAll(f => !f.StartsWith("consolidated", StringComparison.Ordinal));
        if (weights.Count == 0)
        {
            weights = safetensors;
        }
        var chosen = new List<string>();
        foreach (var file in files)
        {
            var topLevel = !file.Contains('/', StringComparison.Ordinal);
            if (topLevel && (Array.IndexOf(s_transformersFiles, file) >= 0
                || (file.StartsWith("tokenizer", StringComparison.Ordinal) && file.EndsWith(".json", StringComparison.Ordinal))
                || file.EndsWith(".safetensors.index.json", StringComparison.Ordinal)
                || weights.Contains(file)))
            {
                chosen.Add(file);
            }
        }
        return new HubFileSelection(chosen, null, null);
    }

    private static string FileName(string path) => path[(path.LastIndexOf('/') + 1)..];

    private static string List(IEnumerable<string> files) => string.Join(", ", files);
}
