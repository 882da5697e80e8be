using System.Text.Json;
using System.Text.Json.Nodes;
using LlmEngine.Sampling.Constraints;
using Microsoft.Extensions.AI;

namespace LlmEngine.Chat.Mapping;

/// <summary>
/// Resolves one chat call (messages plus <see cref="ChatOptions"/>) into a <see cref="ChatRequestPlan"/>: sampling
/// parameters, template input, tool parsing and constraints. Every check happens here, before the engine sees the
/// request; an option out of range or not supported is an <see cref="ArgumentException"/> naming it.
/// </summary>
internal static class ChatOptionsMapper
{
    private const string EnableThinking = "enable_thinking";

    public static ChatRequestPlan Map(IEnumerable<ChatMessage> messages, ChatOptions? options, LlmEngineChatClientOptions settings, string modelId,
        ToolCallFormat templateToolFormat, IChatClient client)
    {
        RejectUnsupported(options, modelId);
        var templateMessages = ChatMessageMapper.ToTemplateMessages(messages, options?.Instructions);
        var parameters = BaseParameters(options, settings, client);
        parameters = ApplyStandardOptions(parameters, options);

        JsonArray? tools = null;
        IReadOnlySet<string> toolNames = new HashSet<string>();
        var toolFormat = ToolCallFormat.None;
        var toolCallRequired = false;
        string? requiredToolName = null;
        var toolMode = options?.ToolMode;
        if (options?.Tools is { Count: > 0 } offered && toolMode is not NoneChatToolMode)
        {
            tools = ChatToolMapper.ToTemplateTools(offered, out var names);
            toolNames = names;
            toolFormat = settings.ToolCallFormat == ToolCallFormat.Auto ? templateToolFormat : settings.ToolCallFormat;
            if (toolMode is RequiredChatToolMode required)
            {
                if (required.RequiredFunctionName is { } name && !names.Contains(name))
                {
                    throw new ArgumentException($"ChatOptions.ToolMode requires the function '{name}', which is not among ChatOptions.Tools ({string.Join(", ", names)}).", nameof(options));
                }
                toolCallRequired = true;
                requiredToolName = required.RequiredFunctionName;
            }
        }
        else if (toolMode is RequiredChatToolMode)
        {
            throw new ArgumentException("ChatOptions.ToolMode requires a tool call, but ChatOptions.Tools is empty.", nameof(options));
        }

        var outputConstraint = MapResponseFormat(options?.ResponseFormat);
        if (outputConstraint is not null && toolCallRequired)
        {
            throw new ArgumentException("ChatOptions.ResponseFormat asks for JSON while ChatOptions.ToolMode requires a tool call; the output can only be constrained one way.", nameof(options));
        }

        var variables = new Dictionary<string, object?>(settings.DefaultChatTemplateKwargs, StringComparer.Ordinal);
        var emitReasoning = true;
        if (options?.Reasoning is { } reasoning)
        {
            if (reasoning.Effort is { } effort)
            {
                // Templates with a thinking switch (Qwen3 and others) read enable_thinking; there is no finer effort control.
                variables[EnableThinking] = effort != ReasoningEffort.None;
            }
            emitReasoning = reasoning.Output != ReasoningOutput.None;
        }

        var skipSpecialTokens = tools is null && parameters.SkipSpecialTokens;
        var addGenerationPrompt = true;
        var priority = 0;
        if (options?.AdditionalProperties is { Count: > 0 } extras)
        {
            parameters = ApplyAdditionalProperties(parameters, options, extras, variables, ref skipSpecialTokens, ref addGenerationPrompt, ref priority);
        }
        var promptOptions = ChatPromptOptions.Read(options?.AdditionalProperties, templateMessages);
        if (promptOptions.ContinueFinalMessage)
        {
            addGenerationPrompt = false;
        }
        if (promptOptions.PromptLogprobs is { } promptLogprobs)
        {
            parameters = parameters with { PromptLogprobs = promptLogprobs };
        }
        var constraint = CombineConstraints(parameters.Constraint, outputConstraint, toolCallRequired);
        if (constraint is null && tools is not null && toolFormat != ToolCallFormat.None && settings.ConstrainToolCalls)
        {
            constraint = ToolCallConstraints.Create(tools, toolFormat, toolCallRequired, requiredToolName, options?.AllowMultipleToolCalls ?? true);
        }
        parameters = parameters with
        {
            N = 1,
            OutputKind = RequestOutputKind.Delta,
            SkipSpecialTokens = skipSpecialTokens,
            Constraint = constraint,
        };
        try
        {
            parameters.Validate();
        }
        catch (ArgumentOutOfRangeException error)
        {
            throw new ArgumentException($"The chat options give an invalid sampling parameter: {error.Message}", nameof(options), error);
        }

        return new ChatRequestPlan
        {
            Parameters = parameters,
            Messages = templateMessages,
            Tools = tools,
            ToolNames = toolNames,
            ToolCallFormat = toolFormat,
            AllowMultipleToolCalls = options?.AllowMultipleToolCalls ?? true,
            TemplateVariables = variables,
            AddGenerationPrompt = addGenerationPrompt,
            ParseReasoning = settings.ParseReasoning,
            EmitReasoning = emitReasoning,
            OutputConstraint = outputConstraint,
            ToolCallRequired = toolCallRequired,
            RequiredToolName = requiredToolName,
            Priority = priority,
            ChatTemplate = promptOptions.Template,
            ContinueFinalMessage = promptOptions.ContinueFinalMessage,
        };
    }

    private static ConstraintSpec? CombineConstraints(ConstraintSpec? fromProperties, ConstraintSpec? fromResponseFormat, bool toolCallRequired)
    {
        if (fromProperties is not null && (fromResponseFormat is not null || toolCallRequired))
        {
            throw new ArgumentException(
                $"ChatOptions.AdditionalProperties[\"{LlmEngineChatOptionKeys.Constraint}\"] cannot be combined with a JSON ResponseFormat or a required tool call; the output can only be constrained one way.",
                "options");
        }
        return fromProperties ?? fromResponseFormat;
    }

    private static void RejectUnsupported(ChatOptions? options, string modelId)
    {
        if (options is null)
        {
            return;
        }
        if (options.ConversationId is not null)
        {
            throw new ArgumentException("ChatOptions.ConversationId is not supported: a local engine keeps no conversation state; send the whole conversation each time.", nameof(options));
        }
        if (options.AllowBackgroundResponses == true || options.ContinuationToken is not null)
        {
            throw new ArgumentException("Background responses (ChatOptions.AllowBackgroundResponses, ContinuationToken) are not supported by LlmEngine's chat client.", nameof(options));
        }
        if (options.ModelId is { } requested && !string.Equals(requested, modelId, StringComparison.Ordinal))
        {
            throw new ArgumentException($"ChatOptions.ModelId is '{requested}', but this client serves '{modelId}'; register one client per model (AddLlmEngine with a key).", nameof(options));
        }
    }

    private static SamplingParameters BaseParameters(ChatOptions? options, LlmEngineChatClientOptions settings, IChatClient client)
    {
        // A caller may hand over engine parameters directly, the M.E.AI way for provider-specific options.
        if (options?.RawRepresentationFactory?.Invoke(client) is { } raw)
        {
            return raw as SamplingParameters ?? throw new ArgumentException(
                $"ChatOptions.RawRepresentationFactory returned a {raw.GetType().Name}; LlmEngine's chat client accepts a SamplingParameters.", nameof(options));
        }
        return settings.DefaultParameters ?? new SamplingParameters();
    }

    private static SamplingParameters ApplyStandardOptions(SamplingParameters parameters, ChatOptions? options)
    {
        if (options is null)
        {
            return parameters;
        }
        if (options.Temperature is { } temperature)
        {
            Require(float.IsFinite(temperature) && temperature >= 0, "Temperature", temperature, "must be at least 0 (0 is greedy)");
            parameters = parameters with { Temperature = temperature };
        }
        if (options.TopP is { } topP)
        {
            Require(topP > 0 && topP <= 1, "TopP", topP, "must be in (0, 1]");
            parameters = parameters with { TopP = topP };
        }
        if (options.TopK is { } topK)
        {
            Require(topK >= -1, "TopK", topK, "must be -1 or 0 (disabled) or a positive count");
            parameters = parameters with { TopK = topK };
        }
        if (options.MaxOutputTokens is { } maxTokens)
        {
            Require(maxTokens >= 1, "MaxOutputTokens", maxTokens, "must be at least 1");
            parameters = parameters with { MaxTokens = maxTokens };
        }
        if (options.FrequencyPenalty is { } frequency)
        {
            Require(frequency is >= -2 and <= 2, "FrequencyPenalty", frequency, "must be in [-2, 2]");
            parameters = parameters with { FrequencyPenalty = frequency };
        }
        if (options.PresencePenalty is { } presence)
        {
            Require(presence is >= -2 and <= 2, "PresencePenalty", presence, "must be in [-2, 2]");
            parameters = parameters with { PresencePenalty = presence };
        }
        if (options.Seed is { } seed)
        {
            parameters = parameters with { Seed = seed };
        }
        if (options.StopSequences is { Count: > 0 } stop)
        {
            foreach (var s in stop)
            {
                Require(!string.IsNullOrEmpty(s), "StopSequences", s, "must not contain null or empty strings");
            }
            parameters = parameters with { Stop = [.. stop] };
        }
        return parameters;
    }

    private static SamplingParameters ApplyAdditionalProperties(SamplingParameters parameters, ChatOptions options, AdditionalPropertiesDictionary extras,
        Dictionary<string, object?> variables, ref bool skipSpecialTokens, ref bool addGenerationPrompt, ref int priority)
    {
        int? topLogprobs = null;
        var logprobs = false;
        foreach (var (key, value) in extras)
        {
            switch (key)
            {
                case LlmEngineChatOptionKeys.MinP:
                    parameters = parameters with { MinP = AdditionalPropertyReader.Float(key, value) };
                    break;
                case LlmEngineChatOptionKeys.RepetitionPenalty:
                    parameters = parameters with { RepetitionPenalty = AdditionalPropertyReader.Float(key, value) };
                    break;
                case LlmEngineChatOptionKeys.TopK:
                    var topK = AdditionalPropertyReader.Int(key, value);
                    if (options.TopK is { } standard && standard != topK)
                    {
                        throw new ArgumentException($"ChatOptions.TopK is {standard} but AdditionalProperties[\"top_k\"] is {topK}; set one of them.", nameof(options));
                    }
                    parameters = parameters with { TopK = topK };
                    break;
                case LlmEngineChatOptionKeys.MinTokens:
                    parameters = parameters with { MinTokens = AdditionalPropertyReader.Int(key, value) };
                    break;
                case LlmEngineChatOptionKeys.StopTokenIds:
                    parameters = parameters with { StopTokenIds = AdditionalPropertyReader.IntList(key, value) };
                    break;
                case LlmEngineChatOptionKeys.IgnoreEos:
                    parameters = parameters with { IgnoreEos = AdditionalPropertyReader.Bool(key, value) };
                    break;
                case LlmEngineChatOptionKeys.LogitBias:
                    parameters = parameters with { LogitBias = AdditionalPropertyReader.TokenBias(key, value) };
                    break;
                case LlmEngineChatOptionKeys.AllowedTokenIds:
                    parameters = parameters with { AllowedTokenIds = AdditionalPropertyReader.IntList(key, value) };
                    break;
                case LlmEngineChatOptionKeys.BadWords:
                    parameters = parameters with { BadWords = AdditionalPropertyReader.StringList(key, value) };
                    break;
                case LlmEngineChatOptionKeys.SkipSpecialTokens:
                    skipSpecialTokens = AdditionalPropertyReader.Bool(key, value);
                    break;
                case LlmEngineChatOptionKeys.IncludeStopStringInOutput:
                    parameters = parameters with { IncludeStopStringInOutput = AdditionalPropertyReader.Bool(key, value) };
                    break;
                case LlmEngineChatOptionKeys.Logprobs:
                    logprobs = AdditionalPropertyReader.Bool(key, value);
                    break;
                case LlmEngineChatOptionKeys.TopLogprobs:
                    topLogprobs = AdditionalPropertyReader.Int(key, value);
                    break;
                case LlmEngineChatOptionKeys.ChatTemplateKwargs:
                    foreach (var (name, variable) in AdditionalPropertyReader.Variables(key, value))
                    {
                        variables[name] = variable;
                    }
                    break;
                case LlmEngineChatOptionKeys.AddGenerationPrompt:
                    addGenerationPrompt = AdditionalPropertyReader.Bool(key, value);
                    break;
                case LlmEngineChatOptionKeys.Priority:
                    priority = AdditionalPropertyReader.Int(key, value);
                    break;
                case LlmEngineChatOptionKeys.Constraint:
                    parameters = parameters with
                    {
                        Constraint = value as ConstraintSpec ?? throw new ArgumentException(
                            $"ChatOptions.AdditionalProperties[\"{key}\"] must be a ConstraintSpec (JsonSchemaConstraint, RegexConstraint, ChoiceConstraint, GbnfGrammarConstraint); got {value?.GetType().Name ?? "null"}.",
                            nameof(options)),
                    };
                    break;
                case LlmEngineChatOptionKeys.ChatTemplate or LlmEngineChatOptionKeys.ContinueFinalMessage or LlmEngineChatOptionKeys.PromptLogprobs:
                    // Read by ChatPromptOptions: they shape the prompt, not the sampling.
                    break;
                default:
                    throw new ArgumentException(
                        $"ChatOptions.AdditionalProperties[\"{key}\"] is not an option LlmEngine's chat client knows; the supported keys are {string.Join(", ", LlmEngineChatOptionKeys.All)}.",
                        nameof(options));
            }
        }
        if (logprobs || topLogprobs is not null)
        {
            parameters = parameters with { Logprobs = topLogprobs ?? 0 };
        }
        return parameters;
    }

    private static ConstraintSpec? MapResponseFormat(ChatResponseFormat? format)
    {
        switch (format)
        {
            case null or ChatResponseFormatText:
                return null;
            case ChatResponseFormatJson { Schema: null }:
                return new JsonObjectConstraint();
            case ChatResponseFormatJson json:
                var schema = json.Schema!.Value;
                if (schema.ValueKind is not (JsonValueKind.Object or JsonValueKind.True or JsonValueKind.False))
                {
                    throw new ArgumentException($"ChatOptions.ResponseFormat has a schema that is a JSON {schema.ValueKind.ToString().ToLowerInvariant()}; a JSON schema is an object or a boolean.", "options");
                }
                return new JsonSchemaConstraint(schema.GetRawText());
            default:
                throw new ArgumentException($"ChatOptions.ResponseFormat is a {format.GetType().Name}, which LlmEngine's chat client does not know.", "options");
        }
    }

    private static void Require(bool condition, string option, object? actual, string rule)
    {
        if (!condition)
        {
            throw new ArgumentOutOfRangeException("options", actual, $"ChatOptions.{option} {rule}; got {actual ?? "null"}.");
        }
    }
}
