using System.Text.Json.Nodes;
using LlmEngine.Templates;
using LlmEngine.Tokenization;

namespace LlmEngine.Chat;

/// <summary>Renders prompts with a model's Jinja <see cref="ChatTemplate"/>, passing the tokenizer's BOS and EOS texts.</summary>
internal sealed class ChatTemplatePromptRenderer(ChatTemplate template, ITokenizer tokenizer) : IChatPromptRenderer
{
    public string? TemplateSource => template.Source;

    public string Render(JsonArray messages, JsonArray? tools, bool addGenerationPrompt, IReadOnlyDictionary<string, object?> variables) =>
        template.Render(messages, tools, addGenerationPrompt, tokenizer.BosToken, tokenizer.EosToken, variables);
}
