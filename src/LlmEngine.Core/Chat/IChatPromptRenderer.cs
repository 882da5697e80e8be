using System.Text.Json.Nodes;

namespace LlmEngine.Chat;

/// <summary>
/// Renders a conversation (and the offered tools) to the prompt text the model was trained on: the seam between
/// <see cref="LlmEngineChatClient"/> and the chat template engine.
/// </summary>
internal interface IChatPromptRenderer
{
    /// <summary>The template's source, from which the tool-call format is detected; null when unknown.</summary>
    string? TemplateSource { get; }

    /// <summary>Renders the prompt.</summary>
    /// <param name="messages">Template message objects (role, content, tool_calls, tool_call_id, reasoning_content).</param>
    /// <param name="tools">Template tool objects, or null when no tools are offered.</param>
    /// <param name="addGenerationPrompt">Whether to end with the header of a new assistant turn.</param>
    /// <param name="variables">Extra template variables (chat_template_kwargs).</param>
    /// <exception cref="Exception">The template failed or raised; the exception names why.</exception>
    string Render(JsonArray messages, JsonArray? tools, bool addGenerationPrompt, IReadOnlyDictionary<string, object?> variables);
}
