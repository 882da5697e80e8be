using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace LlmEngine.Tests.Constraints;

/// <summary>
/// JsonSchema.Net as the independent validator, with one of its limits worked around: it compares numbers as
/// <see cref="decimal"/> (in <c>enum</c>/<c>const</c>), so a valid instance holding a number beyond decimal's range
/// (say 1e40, which the number grammar may produce) throws <see cref="FormatException"/> instead of validating.
/// Such numbers are clamped to ±1e28 first: still integers, still on the same side of every bound the generated
/// schemas use, and still different from every enum member, so the verdict is the one the full number would get.
/// </summary>
internal static class ReferenceValidator
{
    private const double Limit = 1e28;

    public static EvaluationResults Evaluate(string schemaText, JsonElement instance, EvaluationOptions options)
    {
        var schema = JsonSchema.FromText(schemaText);
        return HasHugeNumber(instance)
            ? schema.Evaluate(JsonSerializer.SerializeToElement(Clamp(JsonNode.Parse(instance.GetRawText()))), options)
            : schema.Evaluate(instance, options);
    }

    private static bool HasHugeNumber(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Number => Math.Abs(element.GetDouble()) >= Limit,
        JsonValueKind.Array => element.EnumerateArray().Any(HasHugeNumber),
        JsonValueKind.Object => element.EnumerateObject().Any(p => HasHugeNumber(p.Value)),
        _ => false,
    };

    private static JsonNode? Clamp(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var name in obj.Select(p => p.Key).ToList())
                {
                    obj[name] = Clamp(obj[name]?.DeepClone());
                }
                return obj;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    array[i] = Clamp(array[i]?.DeepClone());
                }
                return array;
            case JsonValue value when value.GetValueKind() == JsonValueKind.Number:
                var number = value.GetValue<JsonElement>().GetDouble();
                return Math.Abs(number) >= Limit ? JsonValue.Create(Math.CopySign(Limit, number)) : value;
            default:
                return node;
        }
    }
}
