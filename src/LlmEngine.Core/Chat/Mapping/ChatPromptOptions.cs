using System.Text.Json;
using System.Text.Json.Nodes;
using LlmEngine.Templates;
using Microsoft.Extensions.AI;

namespace LlmEngine.Chat.Mapping;

/// <summary>
/// The additional properties that shape the prompt rather than the sampling: a per-request chat template,
/// continuing the final assistant message, and prompt log-probabilities. Read apart from the sampling options so each
/// rule (continue_final_message excludes add_generation_prompt and needs a final assistant message) sits in one place.
/// </summary>
/// <param name="Template">The template to render with instead of the model's, or null.</param>
/// <param name="ContinueFinalMessage">Whether the prompt ends inside the final assistant message.</param>
/// <param name="PromptLogprobs">Top log-probabilities wanted per prompt position, or null for none.</param>
internal sealed record ChatPromptOptions(ChatTemplate? Template, bool ContinueFinalMessage, int? PromptLogprobs)
{
    public static ChatPromptOptions None { get; } = new(null, false, null);

    /// <exception cref="ArgumentException">A value has the wrong type, the template does not parse, or the continuation rules are broken.</exception>
    public static ChatPromptOptions Read(AdditionalPropertiesDictionary? extras, JsonArray messages)
    {
        if (extras is not { Count: > 0 })
        {
            return None;
        }
        ChatTemplate? template = null;
        if (extras.TryGetValue(LlmEngineChatOptionKeys.ChatTemplate, out var templateValue))
        {
            template = ReadTemplate(templateValue);
        }
        int? promptLogprobs = extras.TryGetValue(LlmEngineChatOptionKeys.PromptLogprobs, out var promptLogprobsValue)
            ? AdditionalPropertyReader.Int(LlmEngineChatOptionKeys.PromptLogprobs, promptLogprobsValue)
            : null;
        var continueFinal = extras.TryGetValue(LlmEngineChatOptionKeys.ContinueFinalMessage, out var continueValue)
            && AdditionalPropertyReader.Bool(LlmEngineChatOptionKeys.ContinueFinalMessage, continueValue);
        if (continueFinal)
        {
            if (extras.TryGetValue(LlmEngineChatOptionKeys.AddGenerationPrompt, out var addValue)
                && AdditionalPropertyReader.Bool(LlmEngineChatOptionKeys.AddGenerationPrompt, addValue))
            {
                throw new ArgumentException(
                    $"ChatOptions.AdditionalProperties sets both \"{LlmEngineChatOptionKeys.ContinueFinalMessage}\" and \"{LlmEngineChatOptionKeys.AddGenerationPrompt}\" to true; " +
                    "a prompt either continues the final message or opens a new one.", "options");
            }
            CheckFinalMessage(messages);
        }
        return template is null && !continueFinal && promptLogprobs is null ? None : new(template, continueFinal, promptLogprobs);
    }

    private static ChatTemplate ReadTemplate(object? value)
    {
        var source = value switch
        {
            ChatTemplate parsed => null,
            string text => text,
            JsonElement { ValueKind: JsonValueKind.String } element => element.GetString(),
            _ => throw new ArgumentException(
                $"ChatOptions.AdditionalProperties[\"{LlmEngineChatOptionKeys.ChatTemplate}\"] must be Jinja template text or a ChatTemplate; got {value?.GetType().Name ?? "null"}.", "options"),
        };
        if (source is null)
        {
            return (ChatTemplate)value!;
        }
        try
        {
            return ChatTemplate.Parse(source);
        }
        catch (ChatTemplateException error)
        {
            throw new ArgumentException($"ChatOptions.AdditionalProperties[\"{LlmEngineChatOptionKeys.ChatTemplate}\"] is not a valid chat template: {error.Message}", "options", error);
        }
    }

    private static void CheckFinalMessage(JsonArray messages)
    {
        var last = messages[^1] as JsonObject;
        var role = last?["role"]?.GetValue<string>();
        if (role != "assistant")
        {
            throw new ArgumentException(
                $"\"{LlmEngineChatOptionKeys.ContinueFinalMessage}\" continues the final message, which must be an assistant message; the conversation ends with a '{role}' message.",
                "messages");
        }
        if (string.IsNullOrWhiteSpace(last!["content"]?.GetValue<string>()))
        {
            throw new ArgumentException(
                $"\"{LlmEngineChatOptionKeys.ContinueFinalMessage}\" continues the final assistant message, but it has no text; to start a new answer, use add_generation_prompt instead.",
                "messages");
        }
    }
}
