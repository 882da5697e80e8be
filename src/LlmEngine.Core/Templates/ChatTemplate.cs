using System.Collections.Concurrent;
using LlmEngine.Templates.Jinja;

namespace LlmEngine.Templates;

/// <summary>
/// A model's chat template: Jinja source, parsed once and cached, rendered with Hugging Face's settings
/// (<c>trim_blocks</c>, <c>lstrip_blocks</c>, <c>raise_exception</c>, <c>strftime_now</c>, the HF <c>tojson</c>) so
/// the prompt matches what <c>apply_chat_template</c> and vLLM produce, byte for byte.
/// </summary>
/// <remarks>
/// Instances are immutable and thread-safe: many requests may render the same template at once.
/// Messages and tools are JSON-like data: <see cref="System.Text.Json.JsonElement"/>,
/// <see cref="System.Text.Json.Nodes.JsonNode"/>, or dictionaries, lists, strings, numbers, booleans and null.
/// </remarks>
public sealed class ChatTemplate
{
    // Bounded so a server that accepts per-request templates cannot grow it without limit.
    private const int MaxCachedTemplates = 256;
    private static readonly ConcurrentDictionary<string, TemplateProgram> s_cache = new(StringComparer.Ordinal);
    private static readonly HashSet<string> s_reserved = ["messages", "tools", "add_generation_prompt"];

    private readonly TemplateProgram _program;

    private ChatTemplate(string source, TemplateProgram program, ChatTemplateOptions options)
    {
        Source = source;
        _program = program;
        Options = options;
    }

    /// <summary>The Jinja source.</summary>
    public string Source { get; }

    /// <summary>The limits and clock used when rendering.</summary>
    public ChatTemplateOptions Options { get; }

    /// <summary>Parses <paramref name="source"/> (or takes it from the cache of already parsed templates).</summary>
    /// <param name="source">The Jinja template text.</param>
    /// <param name="options">Limits and clock; <see cref="ChatTemplateOptions.Default"/> when null.</param>
    /// <exception cref="TemplateSyntaxException">The source is not valid Jinja; the message names line and column.</exception>
    public static ChatTemplate Parse(string source, ChatTemplateOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (!s_cache.TryGetValue(source, out var program))
        {
            program = TemplateProgram.Parse(source);
            if (s_cache.Count >= MaxCachedTemplates)
            {
                s_cache.Clear();
            }
            s_cache.TryAdd(source, program);
        }
        return new ChatTemplate(source, program, options ?? ChatTemplateOptions.Default);
    }

    /// <summary>Renders a conversation to the prompt text.</summary>
    /// <param name="messages">The messages: a list of objects with <c>role</c>, <c>content</c> and, where used, <c>tool_calls</c>, <c>tool_call_id</c>, <c>name</c>, <c>reasoning_content</c>.</param>
    /// <param name="tools">The tool definitions (OpenAI function-tool objects), or null for none (the template sees <c>none</c>).</param>
    /// <param name="addGenerationPrompt">Whether to end with the header of a new assistant turn.</param>
    /// <param name="bosToken">The model's BOS token text (<c>bos_token</c>), or null to leave it undefined.</param>
    /// <param name="eosToken">The model's EOS token text (<c>eos_token</c>), or null to leave it undefined.</param>
    /// <param name="variables">Extra template variables (vLLM's <c>chat_template_kwargs</c>, e.g. <c>enable_thinking</c>, <c>date_string</c>); they may override the token variables but not messages, tools or add_generation_prompt.</param>
    /// <returns>The prompt.</returns>
    /// <exception cref="ChatTemplateException">The template raised (message is the template's own) or failed.</exception>
    /// <exception cref="ArgumentException">The data is not JSON-like, or a variable would replace messages, tools or add_generation_prompt.</exception>
    public string Render(object messages, object? tools = null, bool addGenerationPrompt = true, string? bosToken = null,
        string? eosToken = null, IReadOnlyDictionary<string, object?>? variables = null)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var messageValue = JinjaValueConverter.From(messages);
        if (messageValue is not JinjaList)
        {
            throw new ArgumentException($"Messages must be a list of message objects, not {messageValue.TypeName}.", nameof(messages));
        }
        var scope = new Scope(null);
        scope.Set("messages", messageValue);
        scope.Set("tools", JinjaValueConverter.From(tools));
        scope.Set("add_generation_prompt", JinjaBool.Of(addGenerationPrompt));
        if (bosToken is not null)
        {
            scope.Set("bos_token", JinjaString.Of(bosToken));
        }
        if (eosToken is not null)
        {
            scope.Set("eos_token", JinjaString.Of(eosToken));
        }
        if (variables is not null)
        {
            foreach (var (name, value) in variables)
            {
                if (s_reserved.Contains(name))
                {
                    throw new ArgumentException($"The template variable '{name}' is set by the chat template itself; pass it through its own parameter.", nameof(variables));
                }
                scope.Set(name, JinjaValueConverter.From(value));
            }
        }
        return Interpreter.Render(_program, scope, Options);
    }

    /// <summary>Renders the template with exactly <paramref name="variables"/> as its globals (no chat conventions).</summary>
    /// <exception cref="ChatTemplateException">The template raised or failed.</exception>
    /// <exception cref="ArgumentException">A value is not JSON-like.</exception>
    public string RenderTemplate(IReadOnlyDictionary<string, object?> variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        var scope = new Scope(null);
        foreach (var (name, value) in variables)
        {
            scope.Set(name, JinjaValueConverter.From(value));
        }
        return Interpreter.Render(_program, scope, Options);
    }
}
