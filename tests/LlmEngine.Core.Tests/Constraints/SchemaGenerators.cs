using System.Text.Json.Nodes;
using CsCheck;

namespace LlmEngine.Tests.Constraints;

/// <summary>
/// CsCheck generators of JSON schemas in the subset the constraint compiler supports, always satisfiable, with
/// oneOf branches kept disjoint (an output matching two branches would fail oneOf).
/// </summary>
internal static class SchemaGenerators
{
    private static readonly string[] s_names = ["a", "name", "id", "x y", "q\"t", "ü", "b\\c", "n1"];
    private static readonly string[] s_formats = ["date-time", "date", "time", "uuid", "email", "ipv4"];
    private static readonly string[] s_patterns =
    [
        "^[a-z]{1,5}$", "^\\d{3}-\\d{4}$", "^(foo|bar)+$", "ab", "^[A-Z][a-z]*$", "x\\d$", "^[^\"\\\\]{2}$", "^a\"b\\\\c$",
        "^\\w+@\\w+\\.com$", "^(?:\\+1 )?\\(\\d{3}\\)$", "^[\\s\\S]{0,3}$", "^é+ü?$",
    ];

    private static Gen<JsonNode> Fresh(Func<JsonNode> create) => Gen.Const(create);

    private static Gen<JsonNode> StringSchema =>
        from hasMin in Gen.Bool
        from min in Gen.Int[0, 3]
        from extra in Gen.Int[-1, 5]
        select (JsonNode)With(new JsonObject { ["type"] = "string" }, hasMin ? ("minLength", min) : null, extra >= 0 ? ("maxLength", (hasMin ? min : 0) + extra) : null);

    private static Gen<JsonNode> IntegerSchema =>
        from lo in Gen.Int[-60, 60]
        from span in Gen.Int[2, 2000]
        from flags in Gen.Int[0, 15]
        select (JsonNode)With(new JsonObject { ["type"] = "integer" },
            (flags & 1) != 0 ? ((flags & 4) != 0 ? "exclusiveMinimum" : "minimum", lo) : null,
            (flags & 2) != 0 ? ((flags & 8) != 0 ? "exclusiveMaximum" : "maximum", lo + span) : null);

    private static Gen<JsonNode> NumberSchema =>
        from lo in Gen.Int[-200, 200]
        from span in Gen.Int[9, 800]
        from flags in Gen.Int[0, 15]
        select (JsonNode)WithNumbers(new JsonObject { ["type"] = "number" },
            (flags & 1) != 0 ? ((flags & 4) != 0 ? "exclusiveMinimum" : "minimum", lo / 4.0) : null,
            (flags & 2) != 0 ? ((flags & 8) != 0 ? "exclusiveMaximum" : "maximum", (lo + span) / 4.0) : null);

    private static Gen<JsonNode> EnumSchema => Gen.OneOf(
        Fresh(() => new JsonObject { ["enum"] = new JsonArray("red", "green", "blu\"e", "ü", 1, null, true) }),
        Fresh(() => new JsonObject { ["type"] = "string", ["enum"] = new JsonArray("x", "y", 3) }),
        Fresh(() => new JsonObject { ["const"] = "fixed" }),
        Fresh(() => new JsonObject { ["const"] = new JsonObject { ["k"] = new JsonArray(1, 2) } }));

    private static Gen<JsonNode> FormatSchema =>
        Gen.Int[0, s_formats.Length - 1].Select(i => (JsonNode)new JsonObject { ["type"] = "string", ["format"] = s_formats[i] });

    private static Gen<JsonNode> PatternSchema =>
        Gen.Int[0, s_patterns.Length - 1].Select(i => (JsonNode)new JsonObject { ["type"] = "string", ["pattern"] = s_patterns[i] });

    private static Gen<JsonNode> Leaf => Gen.Frequency(
        (4, StringSchema), (3, IntegerSchema), (3, NumberSchema), (2, EnumSchema), (2, FormatSchema), (2, PatternSchema),
        (1, Fresh(() => new JsonObject { ["type"] = "boolean" })),
        (1, Fresh(() => new JsonObject { ["type"] = "null" })),
        (1, Fresh(() => new JsonObject())),
        (1, Fresh(() => new JsonObject { ["type"] = new JsonArray("string", "null"), ["maxLength"] = 2 })),
        (1, Fresh(() => new JsonObject { ["type"] = new JsonArray("integer", "null"), ["maximum"] = 5 })));

    // Pairwise disjoint branches for oneOf.
    private static readonly Func<JsonNode>[] s_disjoint =
    [
        () => new JsonObject { ["type"] = "string", ["maxLength"] = 3 },
        () => new JsonObject { ["type"] = "integer", ["minimum"] = 0 },
        () => new JsonObject { ["type"] = "boolean" },
        () => new JsonObject { ["type"] = "null" },
        () => new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "integer" }, ["maxItems"] = 2 },
        () => new JsonObject { ["type"] = "object", ["properties"] = new JsonObject { ["k"] = new JsonObject { ["type"] = "boolean" } }, ["required"] = new JsonArray("k"), ["additionalProperties"] = false },
    ];

    private static Gen<JsonNode> OneOf =>
        from first in Gen.Int[0, s_disjoint.Length - 1]
        from offset in Gen.Int[1, s_disjoint.Length - 1]
        select (JsonNode)new JsonObject { ["oneOf"] = new JsonArray(s_disjoint[first](), s_disjoint[(first + offset) % s_disjoint.Length]()) };

    private static Gen<JsonNode> AnyOf(Gen<JsonNode> inner) =>
        from a in inner
        from b in Leaf
        select (JsonNode)new JsonObject { ["anyOf"] = new JsonArray(a, b) };

    private static Gen<JsonNode> Array(Gen<JsonNode> inner) =>
        from items in inner
        from hasMin in Gen.Bool
        from min in Gen.Int[0, 2]
        from extra in Gen.Int[-1, 3]
        select (JsonNode)With(new JsonObject { ["type"] = "array", ["items"] = items },
            hasMin ? ("minItems", min) : null, extra >= 0 ? ("maxItems", (hasMin ? min : 0) + extra) : null);

    private static Gen<JsonNode> Object(Gen<JsonNode> inner) =>
        from nameBits in Gen.Int[0, 255]
        from values in inner.Array[3]
        from requiredBits in Gen.Int[0, 7]
        from additional in Gen.Int[0, 5]
        from additionalSchema in Leaf
        select (JsonNode)BuildObject(nameBits, values, requiredBits, additional, additionalSchema);

    private static JsonObject BuildObject(int nameBits, JsonNode[] values, int requiredBits, int additional, JsonNode additionalSchema)
    {
        var properties = new JsonObject();
        var required = new JsonArray();
        var v = 0;
        for (var i = 0; i < s_names.Length && v < values.Length; i++)
        {
            if ((nameBits >> i & 1) != 0)
            {
                properties[s_names[i]] = values[v];
                if ((requiredBits >> v & 1) != 0)
                {
                    required.Add(s_names[i]);
                }
                v++;
            }
        }
        var schema = new JsonObject { ["type"] = "object", ["properties"] = properties, ["required"] = required };
        switch (additional)
        {
            case 0 or 1 or 2:
                schema["additionalProperties"] = false;
                break;
            case 3:
                schema["additionalProperties"] = true;
                break;
            case 4:
                schema["additionalProperties"] = additionalSchema;
                break;
        }
        return schema;
    }

    /// <summary>Schemas up to three levels deep, sometimes wrapped to use <c>$defs</c>/<c>$ref</c> or recursion.</summary>
    public static Gen<JsonNode> Schema { get; } = Gen.Frequency(
        (12, Gen.Recursive<JsonNode>((depth, self) => depth >= 3
            ? Leaf
            : Gen.Frequency((4, Leaf), (3, Object(self)), (2, Array(self)), (1, AnyOf(self)), (1, OneOf)))),
        (2, Leaf.Select(WithDefinitions)),
        (1, Fresh(RecursiveTree)));

    private static JsonNode WithDefinitions(JsonNode definition) => new JsonObject
    {
        ["$defs"] = new JsonObject { ["item"] = definition },
        ["type"] = "object",
        ["properties"] = new JsonObject
        {
            ["p"] = new JsonObject { ["$ref"] = "#/$defs/item" },
            ["q"] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["$ref"] = "#/$defs/item" }, ["maxItems"] = 2 },
        },
        ["required"] = new JsonArray("p"),
        ["additionalProperties"] = false,
    };

    private static JsonNode RecursiveTree() => JsonNode.Parse("""
        {"$defs":{"node":{"type":"object","properties":{"value":{"type":"integer"},
          "children":{"type":"array","items":{"$ref":"#/$defs/node"},"maxItems":2}},"required":["value"],"additionalProperties":false}},
         "$ref":"#/$defs/node"}
        """)!;

    private static JsonObject With(JsonObject schema, params (string Key, int Value)?[] entries)
    {
        foreach (var entry in entries)
        {
            if (entry is { } e)
            {
                schema[e.Key] = e.Value;
            }
        }
        return schema;
    }

    private static JsonObject WithNumbers(JsonObject schema, params (string Key, double Value)?[] entries)
    {
        foreach (var entry in entries)
        {
            if (entry is { } e)
            {
                schema[e.Key] = e.Value;
            }
        }
        return schema;
    }
}
