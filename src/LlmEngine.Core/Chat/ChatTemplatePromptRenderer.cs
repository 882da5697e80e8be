using System.Text.Json.Nodes;
using LlmEngine.Templates;
using LlmEngine.Tokenization;

namespace LlmEngine.Chat;

/// <summary>
/// Renders prompts with a model's Jinja <see cref="ChatTemplate"/>, passing the tokenizer's BOS and EOS texts; a
/// separate <c>tool_use</c> template, when the model has one, renders the requests that offer tools.
/// </summary>
internal sealed class ChatTemplatePromptRenderer(ChatTemplate template, ChatTemplate? toolUseTemplate, ITokenizer tokenizer) : IChatPromptRenderer
{
    public string? TemplateSource => (toolUseTemplate ?? template).Source;

    public string Render(JsonArray messages, JsonArray? tools, bool addGenerationPrompt, IReadOnlyDictionary<string, object?> variables) =>
        (tools is not null && toolUseTemplate is not null ? toolUseTemplate : template)
            .Render(messages, tools, addGenerationPrompt, tokenizer.BosToken, tokenizer.EosToken, variables);
}
