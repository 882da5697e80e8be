using System.Text;
using System.Text.Json;
using LlmEngine.Hosting.Errors;
using Microsoft.Extensions.AI;

namespace LlmEngine.Hosting.ChatCompletions;

/// <summary>
/// Turns the wire messages into <see cref="ChatMessage"/>s for the chat client: text content (a string or text
/// parts), assistant <c>tool_calls</c> as <see cref="FunctionCallContent"/> (arguments parsed from their JSON text),
/// <c>tool</c> messages as <see cref="FunctionResultContent"/>. Anything a text model cannot take is a 400 naming the
/// message and field.
/// </summary>
internal static class ChatMessageMapper
{
    public static List<ChatMessage> Map(List<ChatMessageRequest?>? messages)
    {
        if (messages is null)
        {
            throw OpenAiException.BadRequest("'messages' is required: an array of at least one message.", "messages");
        }
        if (messages.Count == 0)
        {
            throw OpenAiException.BadRequest("'messages' is empty; send at least one message.", "messages");
        }
        var result = new List<ChatMessage>(messages.Count);
        for (var i = 0; i < messages.Count; i++)
        {
            var message = messages[i] ?? throw OpenAiException.BadRequest($"'messages[{i}]' is null; each message is an object.", $"messages[{i}]");
            result.Add(MapMessage(message, i));
        }
        return result;
    }

    private static ChatMessage MapMessage(ChatMessageRequest message, int index)
    {
        var field = $"messages[{index}]";
        switch (message.Role)
        {
            case "system" or "developer":
                return WithName(new ChatMessage(message.Role == "system" ? ChatRole.System : new ChatRole("developer"), Text(message.Content, field, required: true)), message);
            case "user":
                return WithName(new ChatMessage(ChatRole.User, Text(message.Content, field, required: true)), message);
            case "assistant":
                return Assistant(message, field);
            case "tool":
                if (string.IsNullOrEmpty(message.ToolCallId))
                {
                    throw OpenAiException.BadRequest($"'{field}.tool_call_id' is required in a message with role 'tool'.", field + ".tool_call_id");
                }
                return new ChatMessage(ChatRole.Tool, [new FunctionResultContent(message.ToolCallId, Text(message.Content, field, required: false) ?? "")]);
            case null:
                throw OpenAiException.BadRequest($"'{field}.role' is required.", field + ".role");
            default:
                throw OpenAiException.BadRequest(
                    $"'{field}.role' is '{message.Role}'; the roles are system, developer, user, assistant and tool.", field + ".role");
        }
    }

    private static ChatMessage Assistant(ChatMessageRequest message, string field)
    {
        var contents = new List<AIContent>();
        if (!string.IsNullOrEmpty(message.ReasoningContent))
        {
            contents.Add(new TextReasoningContent(message.ReasoningContent));
        }
        var hasCalls = message.ToolCalls is { Count: > 0 };
        if (Text(message.Content, field, required: !hasCalls) is { Length: > 0 } text)
        {
            contents.Add(new TextContent(text));
        }
        if (hasCalls)
        {
            for (var j = 0; j < message.ToolCalls!.Count; j++)
            {
                contents.Add(ToolCall(message.ToolCalls[j], $"{field}.tool_calls[{j}]"));
            }
        }
        return WithName(new ChatMessage(ChatRole.Assistant, contents), message);
    }

    private static FunctionCallContent ToolCall(ToolCallRequest? call, string field)
    {
        if (call is null)
        {
            throw OpenAiException.BadRequest($"'{field}' is null; a tool call is an object.", field);
        }
        if (call.Type is not (null or "function"))
        {
            throw OpenAiException.BadRequest($"'{field}.type' is '{call.Type}'; only function tool calls exist.", field + ".type");
        }
        if (string.IsNullOrEmpty(call.Id))
        {
            throw OpenAiException.BadRequest($"'{field}.id' is required.", field + ".id");
        }
        if (call.Function is not { Name.Length: > 0 } function)
        {
            throw OpenAiException.BadRequest($"'{field}.function.name' is required.", field + ".function.name");
        }
        return new FunctionCallContent(call.Id, function.Name, Arguments(function.Arguments, field + ".function.arguments"));
    }

    /// <summary>OpenAI sends arguments as JSON text; some clients send the object itself. Both give the argument map.</summary>
    private static Dictionary<string, object?> Arguments(JsonElement arguments, string field)
    {
        JsonElement parsed;
        switch (arguments.ValueKind)
        {
            case JsonValueKind.Undefined or JsonValueKind.Null:
                return [];
            case JsonValueKind.Object:
                parsed = arguments;
                break;
            case JsonValueKind.String:
                var text = arguments.GetString()!;
                if (string.IsNullOrWhiteSpace(text))
                {
                    return [];
                }
                try
                {
                    using var document = JsonDocument.Parse(text);
                    parsed = document.RootElement.Clone();
                }
                catch (JsonException error)
                {
                    throw OpenAiException.BadRequest($"'{field}' is not valid JSON: {error.Message}", field, inner: error);
                }
                if (parsed.ValueKind != JsonValueKind.Object)
                {
                    throw OpenAiException.BadRequest($"'{field}' must be a JSON object; got a JSON {parsed.ValueKind.ToString().ToLowerInvariant()}.", field);
                }
                break;
            default:
                throw OpenAiException.BadRequest($"'{field}' must be a JSON string holding an object.", field);
        }
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var property in parsed.EnumerateObject())
        {
            result[property.Name] = property.Value;
        }
        return result;
    }

    /// <summary>Message content: a string, or an array of parts of which only text parts are accepted.</summary>
    private static string? Text(JsonElement content, string field, bool required)
    {
        switch (content.ValueKind)
        {
            case JsonValueKind.String:
                return content.GetString();
            case JsonValueKind.Undefined or JsonValueKind.Null:
                return required ? throw OpenAiException.BadRequest($"'{field}.content' is required.", field + ".content") : null;
            case JsonValueKind.Array:
                var text = new StringBuilder();
                var j = 0;
                foreach (var part in content.EnumerateArray())
                {
                    var partField = $"{field}.content[{j++}]";
                    if (part.ValueKind != JsonValueKind.Object || !part.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
                    {
                        throw OpenAiException.BadRequest($"'{partField}' must be an object with a 'type'.", partField);
                    }
                    var kind = type.GetString();
                    if (kind is not ("text" or "input_text"))
                    {
                        throw OpenAiException.Unsupported(partField + ".type", $"'{partField}.type' is '{kind}'; this model takes text only, so the only content part type is 'text'.");
                    }
                    if (!part.TryGetProperty("text", out var value) || value.ValueKind != JsonValueKind.String)
                    {
                        throw OpenAiException.BadRequest($"'{partField}.text' must be a string.", partField + ".text");
                    }
                    text.Append(value.GetString());
                }
                return text.ToString();
            default:
                throw OpenAiException.BadRequest(
                    $"'{field}.content' must be a string or an array of content parts; got a JSON {content.ValueKind.ToString().ToLowerInvariant()}.", field + ".content");
        }
    }

    private static ChatMessage WithName(ChatMessage message, ChatMessageRequest request)
    {
        if (!string.IsNullOrEmpty(request.Name))
        {
            message.AuthorName = request.Name;
        }
        return message;
    }
}
