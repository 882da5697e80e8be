namespace LlmEngine.Chat.ToolCalls;

/// <summary>Picks the tool-call syntax a chat template teaches its model, and makes per-completion parsers for it.</summary>
internal static class ToolCallParsers
{
    /// <summary>
    /// The format named by markers in the template source (vLLM's families): <c>&lt;tool_call&gt;</c> is Hermes,
    /// <c>[TOOL_CALLS]</c> Mistral, <c>&lt;|python_tag|&gt;</c> or Llama 3's <c>&lt;|start_header_id|&gt;</c> Llama 3
    /// JSON; anything else, or no template source, the JSON fallback.
    /// </summary>
    public static ToolCallFormat Detect(string? templateSource)
    {
        if (string.IsNullOrEmpty(templateSource))
        {
            return ToolCallFormat.Json;
        }
        if (templateSource.Contains("<tool_call>", StringComparison.Ordinal))
        {
            return ToolCallFormat.Hermes;
        }
        if (templateSource.Contains("[TOOL_CALLS]", StringComparison.Ordinal))
        {
            return ToolCallFormat.Mistral;
        }
        if (templateSource.Contains("<|python_tag|>", StringComparison.Ordinal) || templateSource.Contains("<|start_header_id|>", StringComparison.Ordinal))
        {
            return ToolCallFormat.Llama3Json;
        }
        return ToolCallFormat.Json;
    }

    /// <summary>A parser for one completion, or null for <see cref="ToolCallFormat.None"/>.</summary>
    public static ToolCallParser? Create(ToolCallFormat format, IReadOnlySet<string> toolNames) => format switch
    {
        ToolCallFormat.Hermes => new HermesToolCallParser(),
        ToolCallFormat.Llama3Json => new Llama3JsonToolCallParser(toolNames),
        ToolCallFormat.Mistral => new MistralToolCallParser(),
        ToolCallFormat.Json => new JsonToolCallParser(toolNames),
        ToolCallFormat.None => null,
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Resolve ToolCallFormat.Auto with Detect before creating a parser."),
    };
}
