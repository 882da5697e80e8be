using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace LlmEngine.Chat.Mapping;

/// <summary>
/// Turns M.E.AI chat messages into the message objects chat templates read (the Hugging Face / OpenAI shape):
/// <c>{"role", "content", "tool_calls": [{"id", "type": "function", "function": {"name", "arguments": {...}}}]}</c>,
/// <c>{"role": "tool", "tool_call_id", "name", "content"}</c> for each <see cref="FunctionResultContent"/>, and
/// <c>reasoning_content</c> for <see cref="TextReasoningContent"/>. Rejects what a template cannot show, naming the
/// message: unknown roles, non-text content, results whose call id matches no earlier call.
/// </summary>
internal static class ChatMessageMapper
{
    /// <summary>Maps <paramref name="messages"/>, with <paramref name="instructions"/> first as (part of) the system message.</summary>
    /// <exception cref="ArgumentException">The conversation is empty or a message cannot be represented.</exception>
    public static JsonArray ToTemplateMessages(IEnumerable<ChatMessage> messages, string? instructions)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var result = new JsonArray();
        var callNames = new Dictionary<string, string>(StringComparer.Ordinal);
        var index = 0;
        foreach (var message in messages)
        {
            if (message is null)
            {
                throw new ArgumentException($"Message {index} is null.", nameof(messages));
            }
            MapMessage(message, index, result, callNames);
            index++;
        }
        if (index == 0)
        {
            throw new ArgumentException("The conversation is empty: pass at least one message.", nameof(messages));
        }
        if (!string.IsNullOrWhiteSpace(instructions))
        {
            AddInstructions(result, instructions);
        }
        return result;
    }

    private static void MapMessage(ChatMessage message, int index, JsonArray result, Dictionary<string, string> callNames)
    {
        var role = MapRole(message.Role, index);
        var text = new System.Text.StringBuilder();
        var reasoning = new System.Text.StringBuilder();
        JsonArray? toolCalls = null;
        var results = new List<FunctionResultContent>();
        foreach (var content in message.Contents)
        {
            switch (content)
            {
                case TextContent t:
                    text.Append(t.Text);
                    break;
                case TextReasoningContent r:
                    reasoning.Append(r.Text);
                    break;
                case FunctionCallContent call:
                    if (role != "assistant")
                    {
                        throw new ArgumentException($"Message {index} (role '{role}') holds a function call; only assistant messages may.", "messages");
                    }
                    if (string.IsNullOrEmpty(call.CallId))
                    {
                        throw new ArgumentException($"Message {index} holds a call to '{call.Name}' without a call id.", "messages");
                    }
                    callNames[call.CallId] = call.Name;
                    (toolCalls ??= []).Add(ToToolCall(call, index));
                    break;
                case FunctionResultContent functionResult:
                    results.Add(functionResult);
                    break;
                case UsageContent:
                    break;
                default:
                    throw new ArgumentException(
                        $"Message {index} holds {content.GetType().Name}, which LlmEngine's chat client cannot pass to a text model; use text, reasoning, function call and function result content.",
                        "messages");
            }
        }

        foreach (var functionResult in results)
        {
            result.Add(ToToolMessage(functionResult, index, callNames));
        }
        if (role == "tool")
        {
            if (results.Count == 0)
            {
                throw new ArgumentException($"Message {index} has role 'tool' but no FunctionResultContent, so it names no tool call it answers.", "messages");
            }
            if (text.Length > 0)
            {
                throw new ArgumentException($"Message {index} has role 'tool' and text besides its function results; put the result in FunctionResultContent.Result.", "messages");
            }
            return;
        }
        if (results.Count > 0 && text.Length == 0 && toolCalls is null && reasoning.Length == 0)
        {
            return;
        }

        var mapped = new JsonObject
        {
            ["role"] = role,
            ["content"] = text.ToString(),
        };
        if (reasoning.Length > 0)
        {
            mapped["reasoning_content"] = reasoning.ToString();
        }
        if (toolCalls is not null)
        {
            mapped["tool_calls"] = toolCalls;
        }
        result.Add(mapped);
    }

    private static string MapRole(ChatRole role, int index)
    {
        if (role == ChatRole.System || role.Value.Equals("developer", StringComparison.OrdinalIgnoreCase))
        {
            return "system";
        }
        if (role == ChatRole.User)
        {
            return "user";
        }
        if (role == ChatRole.Assistant)
        {
            return "assistant";
        }
        if (role == ChatRole.Tool)
        {
            return "tool";
        }
        throw new ArgumentException($"Message {index} has role '{role.Value}'; the roles are system (or developer), user, assistant and tool.", "messages");
    }

    private static JsonObject ToToolCall(FunctionCallContent call, int index)
    {
        var arguments = new JsonObject();
        if (call.Arguments is not null)
        {
            foreach (var (name, value) in call.Arguments)
            {
                arguments[name] = ToNode(value, $"argument '{name}' of the call to '{call.Name}' in message {index}");
            }
        }
        return new JsonObject
        {
            ["id"] = call.CallId,
            ["type"] = "function",
            ["function"] = new JsonObject
            {
                ["name"] = call.Name,
                ["arguments"] = arguments,
            },
        };
    }

    private static JsonObject ToToolMessage(FunctionResultContent result, int index, Dictionary<string, string> callNames)
    {
        if (string.IsNullOrEmpty(result.CallId) || !callNames.TryGetValue(result.CallId, out var name))
        {
            throw new ArgumentException(
                $"Message {index} holds a result for call id '{result.CallId}', which matches no function call in an earlier assistant message.", "messages");
        }
        return new JsonObject
        {
            ["role"] = "tool",
            ["tool_call_id"] = result.CallId,
            ["name"] = name,
            ["content"] = ResultText(result.Result),
        };
    }

    /// <summary>A function result as the text the model reads: strings as they are, anything else as JSON.</summary>
    private static string ResultText(object? result) => result switch
    {
        null => "",
        string s => s,
        JsonElement { ValueKind: JsonValueKind.String } e => e.GetString()!,
        JsonElement e => e.GetRawText(),
        JsonNode n => n.ToJsonString(),
        _ => JsonSerializer.Serialize(result, AIJsonUtilities.DefaultOptions.GetTypeInfo(result.GetType())),
    };

    private static JsonNode? ToNode(object? value, string what)
    {
        try
        {
            return value switch
            {
                null => null,
                JsonElement e => JsonNode.Parse(e.GetRawText()),
                JsonNode n => n.DeepClone(),
                _ => JsonSerializer.SerializeToNode(value, AIJsonUtilities.DefaultOptions.GetTypeInfo(value.GetType())),
            };
        }
        catch (Exception error) when (error is NotSupportedException or JsonException or InvalidOperationException)
        {
            throw new ArgumentException($"The {what} cannot be written as JSON: {error.Message}", "messages", error);
        }
    }

    private static void AddInstructions(JsonArray messages, string instructions)
    {
        // Many templates only allow one system message, at the start: join the instructions with it.
        if (messages.Count > 0 && messages[0] is JsonObject first && (string?)first["role"] == "system")
        {
            var existing = (string?)first["content"] ?? "";
            first["content"] = existing.Length == 0 ? instructions : instructions + "\n\n" + existing;
            return;
        }
        messages.Insert(0, new JsonObject { ["role"] = "system", ["content"] = instructions });
    }
}
