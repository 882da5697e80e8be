using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace LlmEngine.Chat.Mapping;

/// <summary>
/// Turns <see cref="ChatOptions.Tools"/> into the OpenAI function-tool objects chat templates render
/// (<c>{"type": "function", "function": {"name", "description", "parameters"}}</c>), checking names and parameter
/// schemas so a bad tool fails here, naming the tool, rather than confusing the model.
/// </summary>
internal static class ChatToolMapper
{
    private const int MaxNameLength = 64;
    private static readonly HashSet<string> s_schemaTypes = ["object", "array", "string", "number", "integer", "boolean", "null"];

    /// <summary>Maps the tools; returns their names too.</summary>
    /// <exception cref="ArgumentException">A tool is not a function, its name is invalid or repeated, or its schema is not a JSON schema.</exception>
    public static JsonArray ToTemplateTools(IList<AITool> tools, out HashSet<string> names)
    {
        var result = new JsonArray();
        names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < tools.Count; i++)
        {
            var tool = tools[i];
            if (tool is not AIFunctionDeclaration function)
            {
                throw new ArgumentException(
                    $"Tool {i} ('{tool?.Name}') is a {tool?.GetType().Name ?? "null"}; a local model can only be given function tools (AIFunctionDeclaration).", "options");
            }
            ValidateName(function.Name, i);
            if (!names.Add(function.Name))
            {
                throw new ArgumentException($"Two tools are named '{function.Name}'; tool names must be unique.", "options");
            }
            var definition = new JsonObject
            {
                ["name"] = function.Name,
            };
            if (!string.IsNullOrEmpty(function.Description))
            {
                definition["description"] = function.Description;
            }
            definition["parameters"] = ParametersSchema(function);
            result.Add(new JsonObject
            {
                ["type"] = "function",
                ["function"] = definition,
            });
        }
        return result;
    }

    private static void ValidateName(string? name, int index)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxNameLength)
        {
            throw new ArgumentException($"Tool {index} has the name '{name}'; a tool name must have 1 to {MaxNameLength} characters.", "options");
        }
        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))
            {
                throw new ArgumentException($"Tool name '{name}' contains '{c}'; tool names may only contain letters, digits, '_', '-' and '.'.", "options");
            }
        }
    }

    private static JsonNode ParametersSchema(AIFunctionDeclaration function)
    {
        var schema = function.JsonSchema;
        if (schema.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return new JsonObject { ["type"] = "object", ["properties"] = new JsonObject() };
        }
        if (schema.ValueKind != JsonValueKind.Object)
        {
            Invalid(function.Name, $"it is a JSON {schema.ValueKind.ToString().ToLowerInvariant()}, not an object");
        }
        if (schema.TryGetProperty("type", out var type) && !(type.ValueKind == JsonValueKind.String && type.GetString() == "object"))
        {
            Invalid(function.Name, $"its \"type\" is {type.GetRawText()}; the parameters of a function are an object (\"type\": \"object\")");
        }
        ValidateSchema(function.Name, schema, "parameters", depth: 0);
        return JsonNode.Parse(schema.GetRawText())!;
    }

    /// <summary>Checks the JSON-schema keywords that decide a schema's shape; unknown keywords are allowed, as in JSON schema.</summary>
    private static void ValidateSchema(string tool, JsonElement schema, string path, int depth)
    {
        if (depth > 32)
        {
            Invalid(tool, $"{path} is nested more than 32 levels deep");
        }
        if (schema.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return;
        }
        if (schema.ValueKind != JsonValueKind.Object)
        {
            Invalid(tool, $"{path} is a JSON {schema.ValueKind.ToString().ToLowerInvariant()}; a schema is an object or a boolean");
        }
        if (schema.TryGetProperty("type", out var type))
        {
            var valid = type.ValueKind switch
            {
                JsonValueKind.String => s_schemaTypes.Contains(type.GetString()!),
                JsonValueKind.Array => type.GetArrayLength() > 0 && type.EnumerateArray().All(t => t.ValueKind == JsonValueKind.String && s_schemaTypes.Contains(t.GetString()!)),
                _ => false,
            };
            if (!valid)
            {
                Invalid(tool, $"{path}.type is {type.GetRawText()}; it must be one of {string.Join(", ", s_schemaTypes)} (or an array of them)");
            }
        }
        if (schema.TryGetProperty("properties", out var properties))
        {
            if (properties.ValueKind != JsonValueKind.Object)
            {
                Invalid(tool, $"{path}.properties is not an object");
            }
            foreach (var property in properties.EnumerateObject())
            {
                ValidateSchema(tool, property.Value, $"{path}.properties.{property.Name}", depth + 1);
            }
        }
        if (schema.TryGetProperty("required", out var required)
            && (required.ValueKind != JsonValueKind.Array || required.EnumerateArray().Any(r => r.ValueKind != JsonValueKind.String)))
        {
            Invalid(tool, $"{path}.required is not an array of property names");
        }
        if (schema.TryGetProperty("items", out var items))
        {
            ValidateSchema(tool, items, $"{path}.items", depth + 1);
        }
        if (schema.TryGetProperty("enum", out var values) && values.ValueKind != JsonValueKind.Array)
        {
            Invalid(tool, $"{path}.enum is not an array");
        }
        foreach (var keyword in (ReadOnlySpan<string>)["anyOf", "oneOf", "allOf"])
        {
            if (schema.TryGetProperty(keyword, out var options))
            {
                if (options.ValueKind != JsonValueKind.Array)
                {
                    Invalid(tool, $"{path}.{keyword} is not an array of schemas");
                }
                var n = 0;
                foreach (var option in options.EnumerateArray())
                {
                    ValidateSchema(tool, option, $"{path}.{keyword}[{n++}]", depth + 1);
                }
            }
        }
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void Invalid(string tool, string reason) =>
        throw new ArgumentException($"Tool '{tool}' has an invalid parameter schema: {reason}.", "options");
}
