using System.Collections;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LlmEngine.Templates.Jinja;

/// <summary>
/// Converts the caller's data to template values: System.Text.Json <see cref="JsonElement"/> and <see cref="JsonNode"/>,
/// dictionaries (string keys), lists and other enumerables, strings, numbers, booleans and null. JSON integers become
/// ints and other JSON numbers floats, as Python's json module reads them.
/// </summary>
internal static class JinjaValueConverter
{
    private const int MaxDepth = 256;

    /// <summary>Converts <paramref name="value"/>.</summary>
    /// <exception cref="ArgumentException">A value of a type with no template counterpart.</exception>
    public static JinjaValue From(object? value) => From(value, 0);

    private static JinjaValue From(object? value, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new ArgumentException($"Template data nests deeper than {MaxDepth} levels.");
        }
        switch (value)
        {
            case null:
                return JinjaNone.Instance;
            case JinjaValue jinja:
                return jinja;
            case string s:
                return JinjaString.Of(s);
            case bool b:
                return JinjaBool.Of(b);
            case int or long or short or sbyte or byte or ushort or uint:
                return JinjaInt.Of(Convert.ToInt64(value, CultureInfo.InvariantCulture));
            case ulong u:
                return u <= long.MaxValue ? JinjaInt.Of((long)u) : new JinjaFloat(u);
            case double or float or decimal or Half:
                return new JinjaFloat(Convert.ToDouble(value, CultureInfo.InvariantCulture));
            case char c:
                return JinjaString.Of(c.ToString());
            case JsonElement element:
                return FromElement(element, depth);
            case JsonNode node:
                return FromNode(node, depth);
            case IDictionary<string, object?> dictionary:
                {
                    var dict = new JinjaDict(dictionary.Count);
                    foreach (var (key, item) in dictionary)
                    {
                        dict.Set(key, From(item, depth + 1));
                    }
                    return dict;
                }
            case IReadOnlyDictionary<string, object?> dictionary:
                {
                    var dict = new JinjaDict(dictionary.Count);
                    foreach (var (key, item) in dictionary)
                    {
                        dict.Set(key, From(item, depth + 1));
                    }
                    return dict;
                }
            case IDictionary dictionary:
                {
                    var dict = new JinjaDict(dictionary.Count);
                    foreach (DictionaryEntry entry in dictionary)
                    {
                        dict.Items[From(entry.Key, depth + 1)] = From(entry.Value, depth + 1);
                    }
                    return dict;
                }
            case IEnumerable enumerable:
                {
                    var items = new List<JinjaValue>();
                    foreach (var item in enumerable)
                    {
                        items.Add(From(item, depth + 1));
                    }
                    return new JinjaList(items);
                }
            default:
                throw new ArgumentException(
                    $"A value of type {value.GetType().FullName} cannot be passed to a chat template; use JSON-like data " +
                    "(JsonElement, JsonNode, dictionaries, lists, strings, numbers, booleans, null).");
        }
    }

    private static JinjaValue FromElement(JsonElement element, int depth)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                {
                    var dict = new JinjaDict();
                    foreach (var property in element.EnumerateObject())
                    {
                        dict.Set(property.Name, FromElement(property.Value, depth + 1));
                    }
                    return dict;
                }
            case JsonValueKind.Array:
                {
                    var items = new List<JinjaValue>(element.GetArrayLength());
                    foreach (var item in element.EnumerateArray())
                    {
                        items.Add(FromElement(item, depth + 1));
                    }
                    return new JinjaList(items);
                }
            case JsonValueKind.String:
                return JinjaString.Of(element.GetString()!);
            case JsonValueKind.Number:
                return FromNumber(element.GetRawText(), element);
            case JsonValueKind.True:
                return JinjaBool.True;
            case JsonValueKind.False:
                return JinjaBool.False;
            default:
                return JinjaNone.Instance;
        }
    }

    private static JinjaValue FromNumber(string raw, JsonElement element)
    {
        var isInteger = raw.AsSpan().IndexOfAny('.', 'e', 'E') < 0;
        if (isInteger && element.TryGetInt64(out var l))
        {
            return JinjaInt.Of(l);
        }
        return new JinjaFloat(element.GetDouble());
    }

    private static JinjaValue FromNode(JsonNode node, int depth)
    {
        switch (node)
        {
            case JsonObject obj:
                {
                    var dict = new JinjaDict(obj.Count);
                    foreach (var (key, item) in obj)
                    {
                        dict.Set(key, item is null ? JinjaNone.Instance : FromNode(item, depth + 1));
                    }
                    return dict;
                }
            case JsonArray array:
                {
                    var items = new List<JinjaValue>(array.Count);
                    foreach (var item in array)
                    {
                        items.Add(item is null ? JinjaNone.Instance : FromNode(item, depth + 1));
                    }
                    return new JinjaList(items);
                }
            default:
                var value = node.AsValue();
                if (value.TryGetValue<JsonElement>(out var element))
                {
                    return FromElement(element, depth);
                }
                // A JsonValue built from a .NET primitive: its JSON text says what it is.
                using (var document = JsonDocument.Parse(value.ToJsonString()))
                {
                    return FromElement(document.RootElement, depth);
                }
        }
    }
}
