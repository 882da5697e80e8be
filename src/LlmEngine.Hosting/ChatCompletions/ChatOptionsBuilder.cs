using System.Text.Json;
using LlmEngine.Chat;
using LlmEngine.Hosting.Errors;
using LlmEngine.Hosting.Sampling;
using LlmEngine.Sampling.Constraints;
using Microsoft.Extensions.AI;

namespace LlmEngine.Hosting.ChatCompletions;

/// <summary>
/// Builds the <see cref="ChatOptions"/> of each choice from a chat request: the validated
/// <see cref="SamplingParameters"/> go through <see cref="ChatOptions.RawRepresentationFactory"/> (so every vLLM extra
/// reaches the engine), the standard fields are set too (for chat clients other than LlmEngine's), and tools,
/// <c>tool_choice</c>, <c>response_format</c> and the template switches (<c>chat_template</c>,
/// <c>chat_template_kwargs</c>, <c>add_generation_prompt</c>, <c>continue_final_message</c>) map to their M.E.AI
/// equivalents or to <see cref="LlmEngineChatOptionKeys"/>.
/// </summary>
internal static class ChatOptionsBuilder
{
    /// <summary>The options for choice 0; <see cref="ForChoice"/> derives the others.</summary>
    public static ChatOptions Build(ChatCompletionRequest request, SamplingParameters parameters)
    {
        if (request.ContinueFinalMessage == true && request.AddGenerationPrompt == true)
        {
            // vLLM's check and wording: the prompt either continues the last message or opens a new one.
            throw OpenAiException.BadRequest("Cannot set both `continue_final_message` and `add_generation_prompt` to True.", "continue_final_message");
        }
        if (request.ContinueFinalMessage == true && request.Messages is { Count: > 0 } messages && messages[^1]?.Role != "assistant")
        {
            throw OpenAiException.BadRequest(
                $"'continue_final_message' continues the final message, which must be an assistant message; the conversation ends with a '{messages[^1]?.Role}' message.",
                "continue_final_message");
        }
        if (request.PromptLogprobs is > 0 && request.Stream == true)
        {
            throw OpenAiException.BadRequest("`prompt_logprobs` are not available when `stream=True`.", "prompt_logprobs");
        }

        var options = new ChatOptions
        {
            Temperature = parameters.Temperature,
            TopP = parameters.TopP,
            TopK = parameters.TopK,
            MaxOutputTokens = parameters.MaxTokens,
            FrequencyPenalty = parameters.FrequencyPenalty,
            PresencePenalty = parameters.PresencePenalty,
            Seed = parameters.Seed,
            StopSequences = parameters.Stop is { Count: > 0 } stop ? [.. stop] : null,
            AllowMultipleToolCalls = request.ParallelToolCalls,
            RawRepresentationFactory = _ => parameters,
        };
        MapTools(request, options);
        MapConstraint(request, options);

        var extras = new AdditionalPropertiesDictionary();
        if (request.ChatTemplateKwargs is { Count: > 0 } kwargs)
        {
            var variables = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var (name, value) in kwargs)
            {
                variables[name] = value;
            }
            extras[LlmEngineChatOptionKeys.ChatTemplateKwargs] = variables;
        }
        if (request.AddGenerationPrompt is { } addGenerationPrompt)
        {
            extras[LlmEngineChatOptionKeys.AddGenerationPrompt] = addGenerationPrompt;
        }
        if (request.ContinueFinalMessage == true)
        {
            extras[LlmEngineChatOptionKeys.ContinueFinalMessage] = true;
        }
        if (request.ChatTemplate is { } template)
        {
            extras[LlmEngineChatOptionKeys.ChatTemplate] = ChatTemplates.Parse(template, "chat_template");
        }
        if (request.Priority is { } priority)
        {
            extras[LlmEngineChatOptionKeys.Priority] = priority;
        }
        // Only when asked: without it the chat client keeps special tokens when tools are offered (markers are often special).
        if (request.SkipSpecialTokens is { } skip)
        {
            extras[LlmEngineChatOptionKeys.SkipSpecialTokens] = skip;
        }
        if (extras.Count > 0)
        {
            options.AdditionalProperties = extras;
        }
        return options;
    }

    /// <summary>Choice <paramref name="index"/>'s options: with a seed, each choice gets its own (seed + index), so the choices differ yet repeat.</summary>
    public static ChatOptions ForChoice(ChatOptions first, SamplingParameters parameters, int index)
    {
        if (index == 0 || (parameters.Seed is null && parameters.PromptLogprobs is null))
        {
            return first;
        }
        // The prompt's log-probabilities are the same for every choice: only choice 0 computes them.
        var derived = parameters with { Seed = parameters.Seed is { } seed ? unchecked(seed + index) : null, PromptLogprobs = null };
        var options = first.Clone();
        options.Seed = derived.Seed;
        options.RawRepresentationFactory = _ => derived;
        return options;
    }

    private static void MapTools(ChatCompletionRequest request, ChatOptions options)
    {
        if (request.Tools is { Count: > 0 } tools)
        {
            var declarations = new List<AITool>(tools.Count);
            for (var i = 0; i < tools.Count; i++)
            {
                var field = $"tools[{i}]";
                var tool = tools[i] ?? throw OpenAiException.BadRequest($"'{field}' is null.", field);
                if (tool.Type is not (null or "function"))
                {
                    throw OpenAiException.BadRequest($"'{field}.type' is '{tool.Type}'; only function tools are supported.", field + ".type");
                }
                if (tool.Function is not { Name.Length: > 0 } function)
                {
                    throw OpenAiException.BadRequest($"'{field}.function.name' is required.", field + ".function.name");
                }
                var schema = function.Parameters.ValueKind switch
                {
                    JsonValueKind.Undefined or JsonValueKind.Null => JsonDocument.Parse("""{"type":"object","properties":{}}""").RootElement,
                    JsonValueKind.Object => function.Parameters,
                    _ => throw OpenAiException.BadRequest($"'{field}.function.parameters' must be a JSON schema object.", field + ".function.parameters"),
                };
                declarations.Add(AIFunctionFactory.CreateDeclaration(function.Name, function.Description, schema));
            }
            options.Tools = declarations;
        }
        switch (request.ToolChoice.ValueKind)
        {
            case JsonValueKind.Undefined or JsonValueKind.Null:
                return;
            case JsonValueKind.String:
                options.ToolMode = request.ToolChoice.GetString() switch
                {
                    "none" => ChatToolMode.None,
                    "auto" => ChatToolMode.Auto,
                    "required" => ChatToolMode.RequireAny,
                    var other => throw OpenAiException.BadRequest($"'tool_choice' is '{other}'; it must be none, auto, required or {{\"type\": \"function\", \"function\": {{\"name\": ...}}}}.", "tool_choice"),
                };
                break;
            case JsonValueKind.Object when request.ToolChoice.TryGetProperty("function", out var function)
                && function.ValueKind == JsonValueKind.Object
                && function.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String:
                var required = name.GetString()!;
                if (options.Tools?.Any(t => t.Name == required) != true)
                {
                    throw OpenAiException.BadRequest($"'tool_choice' names the function '{required}', which is not among 'tools'.", "tool_choice");
                }
                options.ToolMode = ChatToolMode.RequireSpecific(required);
                break;
            default:
                throw OpenAiException.BadRequest("'tool_choice' must be none, auto, required or {\"type\": \"function\", \"function\": {\"name\": ...}}.", "tool_choice");
        }
        if (options.ToolMode is RequiredChatToolMode && options.Tools is not { Count: > 0 })
        {
            throw OpenAiException.BadRequest("'tool_choice' requires a tool call, but 'tools' is empty.", "tool_choice");
        }
    }

    private static void MapConstraint(ChatCompletionRequest request, ChatOptions options)
    {
        if (GuidedDecoding.Read(request) is not { } guided)
        {
            if (request.ResponseFormat?.Type == "text")
            {
                options.ResponseFormat = ChatResponseFormat.Text;
            }
            return;
        }
        switch (guided.Spec)
        {
            case JsonObjectConstraint:
                options.ResponseFormat = ChatResponseFormat.Json;
                break;
            case JsonSchemaConstraint schema:
                using (var document = JsonDocument.Parse(schema.Schema))
                {
                    var format = request.ResponseFormat?.JsonSchema;
                    options.ResponseFormat = ChatResponseFormat.ForJsonSchema(document.RootElement.Clone(), format?.Name, format?.Description);
                }
                break;
            default:
                (options.AdditionalProperties ??= [])[LlmEngineChatOptionKeys.Constraint] = guided.Spec;
                break;
        }
    }
}
