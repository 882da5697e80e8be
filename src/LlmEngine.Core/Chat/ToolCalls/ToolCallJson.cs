using System.Text.Json;
using Microsoft.Extensions.AI;

namespace LlmEngine.Chat.ToolCalls;

/// <summary>
/// Reads tool-call objects the model wrote: <c>{"name": ..., "arguments": {...}}</c>, with <c>parameters</c> for
/// <c>arguments</c> (Llama 3), arguments given as a JSON string (some fine-tunes), an optional <c>id</c>, and the
/// OpenAI wrapping <c>{"type": "function", "function": {...}}</c>. Anything else is not a call.
/// </summary>
internal static class ToolCallJson
{
    /// <summary>Parses <paramref name="json"/> as one call object.</summary>
    public static bool TryParseCall(string json, out string name, out Dictionary<string, object?> arguments, out string? id)
    {
        name = "";
        arguments = [];
        id = null;
        using var document = TryParse(json);
        return document is not null && TryReadCall(document.RootElement, out name, out arguments, out id);
    }

    /// <summary>Reads one call object.</summary>
    public static bool TryReadCall(JsonElement element, out string name, out Dictionary<string, object?> arguments, out string? id)
    {
        name = "";
        arguments = [];
        id = null;
        if (element.ValueKind != JsonValueKind.Object)
        {
            return false;
        }
        if (element.TryGetProperty("id", out var idElement) && idElement.ValueKind == JsonValueKind.String)
        {
            id = idElement.GetString();
        }
        if (!element.TryGetProperty("name", out var nameElement) && element.TryGetProperty("function", out var function) && function.ValueKind == JsonValueKind.Object)
        {
            element = function;
            element.TryGetProperty("name", out nameElement);
        }
        if (nameElement.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(nameElement.GetString()))
        {
            return false;
        }
        name = nameElement.GetString()!;
        if (!element.TryGetProperty("arguments", out var args) && !element.TryGetProperty("parameters", out args))
        {
            return true;
        }
        return TryReadArguments(args, arguments);
    }

    /// <summary>Parses <paramref name="json"/> as a call's arguments object.</summary>
    public static bool TryParseArguments(string json, Dictionary<string, object?> arguments)
    {
        using var document = TryParse(json);
        return document is not null && TryReadArguments(document.RootElement, arguments);
    }

    /// <summary>Makes a <see cref="FunctionCallContent"/> with arguments as <see cref="JsonElement"/> values.</summary>
    public static FunctionCallContent ToContent(string callId, string name, Dictionary<string, object?> arguments) =>
        new(callId, name, arguments);

    private static bool TryReadArguments(JsonElement args, Dictionary<string, object?> arguments)
    {
        switch (args.ValueKind)
        {
            case JsonValueKind.Null or JsonValueKind.Undefined:
                return true;
            case JsonValueKind.String:
                // Some models double-encode the arguments as a JSON string, as the OpenAI wire format does.
                var text = args.GetString()!;
                return text.Trim().Length == 0 || TryParseArguments(text, arguments);
            case JsonValueKind.Object:
                foreach (var property in args.EnumerateObject())
                {
                    arguments[property.Name] = property.Value.Clone();
                }
                return true;
            default:
                return false;
        }
    }

    private static JsonDocument? TryParse(string json)
    {
        try
        {
            return JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
