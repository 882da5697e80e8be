using System.Text.Json;

namespace LlmEngine.Templates;

/// <summary>
/// Finds a model's chat template in vLLM's order: an explicit template (a file path or the template text, like
/// <c>--chat-template</c>); then the Hugging Face model folder (<c>chat_template.jinja</c>, <c>chat_template.json</c>,
/// <c>tokenizer_config.json</c>'s <c>chat_template</c>, which may be a list of named templates: <c>tool_use</c> when
/// tools are given, else <c>default</c>); then the GGUF metadata (<c>tokenizer.chat_template.tool_use</c> when tools
/// are given, else <c>tokenizer.chat_template</c>). No template anywhere is an error: there is no made-up fallback.
/// </summary>
public sealed class ChatTemplateResolver
{
    /// <summary>The GGUF metadata key of the default chat template.</summary>
    public const string GgufTemplateKey = "tokenizer.chat_template";

    /// <summary>An explicit template: a path to a file, or the Jinja text itself. Wins over everything else.</summary>
    public string? ExplicitTemplate { get; init; }

    /// <summary>A Hugging Face model folder to look in.</summary>
    public string? ModelDirectory { get; init; }

    /// <summary>A <c>tokenizer_config.json</c> outside <see cref="ModelDirectory"/>.</summary>
    public string? TokenizerConfigPath { get; init; }

    /// <summary>Reads a GGUF string metadata value by key, or returns null when absent (for example <c>key => gguf.Metadata.GetString(key)</c>).</summary>
    public Func<string, string?>? GgufMetadata { get; init; }

    /// <summary>Where this resolver looked, for the error when nothing is found (for example the GGUF path).</summary>
    public string? GgufDescription { get; init; }

    /// <summary>Finds the template text and says where it came from.</summary>
    /// <param name="hasTools">Whether the request offers tools (selects <c>tool_use</c> templates).</param>
    /// <exception cref="ChatTemplateException">No template is found, a named-template list has no usable entry, or the explicit template looks like a path to a missing file.</exception>
    public ChatTemplateSource ResolveSource(bool hasTools)
    {
        if (ExplicitTemplate is not null)
        {
            return LoadExplicit(ExplicitTemplate);
        }
        var looked = new List<string>();
        if (ModelDirectory is not null)
        {
            var jinjaFile = Path.Combine(ModelDirectory, "chat_template.jinja");
            if (File.Exists(jinjaFile))
            {
                return new ChatTemplateSource(File.ReadAllText(jinjaFile), jinjaFile);
            }
            var jsonFile = Path.Combine(ModelDirectory, "chat_template.json");
            if (File.Exists(jsonFile) && FromConfig(jsonFile, hasTools) is { } fromJson)
            {
                return fromJson;
            }
            looked.Add($"{jinjaFile}, {jsonFile}");
            var config = Path.Combine(ModelDirectory, "tokenizer_config.json");
            if (File.Exists(config) && FromConfig(config, hasTools) is { } fromConfig)
            {
                return fromConfig;
            }
            looked.Add(config);
        }
        if (TokenizerConfigPath is not null)
        {
            if (File.Exists(TokenizerConfigPath) && FromConfig(TokenizerConfigPath, hasTools) is { } fromConfig)
            {
                return fromConfig;
            }
            looked.Add(TokenizerConfigPath);
        }
        if (GgufMetadata is not null)
        {
            var where = GgufDescription ?? "GGUF metadata";
            if (hasTools && GgufMetadata(GgufTemplateKey + ".tool_use") is { Length: > 0 } toolUse)
            {
                return new ChatTemplateSource(toolUse, $"{where} {GgufTemplateKey}.tool_use");
            }
            if (GgufMetadata(GgufTemplateKey) is { Length: > 0 } template)
            {
                return new ChatTemplateSource(template, $"{where} {GgufTemplateKey}");
            }
            looked.Add($"{where} ({GgufTemplateKey})");
        }
        var places = looked.Count > 0 ? $" Looked in: {string.Join("; ", looked)}." : string.Empty;
        throw new ChatTemplateException(
            "The model has no chat template, so chat messages cannot be turned into a prompt." + places +
            " Pass one explicitly: a path to a .jinja file or the template text (like vLLM's --chat-template).");
    }

    /// <summary>Finds and parses the template.</summary>
    /// <param name="hasTools">Whether the request offers tools.</param>
    /// <param name="options">Limits and clock for rendering.</param>
    /// <exception cref="ChatTemplateException">No template is found, or it does not parse.</exception>
    public ChatTemplate Resolve(bool hasTools, ChatTemplateOptions? options = null) =>
        ChatTemplate.Parse(ResolveSource(hasTools).Text, options);

    // vLLM's rule: a readable file is a file; text with Jinja characters is a template; otherwise it is a missing file.
    private static ChatTemplateSource LoadExplicit(string value)
    {
        if (value.IndexOfAny(['{', '}', '\n']) < 0 || File.Exists(value))
        {
            if (!File.Exists(value))
            {
                throw new ChatTemplateException($"The chat template '{value}' looks like a file path, but the file was not found.");
            }
            return new ChatTemplateSource(File.ReadAllText(value), Path.GetFullPath(value));
        }
        return new ChatTemplateSource(value, "explicit template text");
    }

    private static ChatTemplateSource? FromConfig(string path, bool hasTools)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { AllowTrailingCommas = true });
        if (!document.RootElement.TryGetProperty("chat_template", out var template))
        {
            return null;
        }
        switch (template.ValueKind)
        {
            case JsonValueKind.String:
                return new ChatTemplateSource(template.GetString()!, $"{path} chat_template");
            case JsonValueKind.Array:
                var named = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var entry in template.EnumerateArray())
                {
                    if (entry.TryGetProperty("name", out var name) && entry.TryGetProperty("template", out var text)
                        && name.ValueKind == JsonValueKind.String && text.ValueKind == JsonValueKind.String)
                    {
                        named[name.GetString()!] = text.GetString()!;
                    }
                }
                if (hasTools && named.TryGetValue("tool_use", out var toolUse))
                {
                    return new ChatTemplateSource(toolUse, $"{path} chat_template 'tool_use'");
                }
                if (named.TryGetValue("default", out var defaultTemplate))
                {
                    return new ChatTemplateSource(defaultTemplate, $"{path} chat_template 'default'");
                }
                throw new ChatTemplateException(
                    $"{path} has several chat templates ({string.Join(", ", named.Keys)}) and none named 'default'" +
                    (hasTools ? " or 'tool_use'" : string.Empty) + "; pass the one to use explicitly.");
            case JsonValueKind.Null:
                return null;
            default:
                throw new ChatTemplateException($"{path}: chat_template must be a string or a list of {{name, template}} objects.");
        }
    }
}
