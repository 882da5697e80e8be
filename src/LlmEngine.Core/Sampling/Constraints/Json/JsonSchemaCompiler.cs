using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using LlmEngine.Sampling.Constraints.Grammars;
using LlmEngine.Sampling.Constraints.Patterns;

namespace LlmEngine.Sampling.Constraints.Json;

/// <summary>
/// Compiles a JSON schema (the draft 2020-12 subset that applications send) to a grammar of its valid JSON texts.
/// Every keyword is either compiled, a known annotation, or rejected with its name: nothing is silently ignored.
/// </summary>
internal sealed partial class JsonSchemaCompiler
{
    private static readonly HashSet<string> s_annotations =
    [
        "title", "description", "default", "examples", "$schema", "$id", "$comment", "deprecated", "readOnly", "writeOnly",
        "contentEncoding", "contentMediaType", "$defs", "definitions",
    ];

    private static readonly HashSet<string> s_keywords =
    [
        "type", "nullable", "enum", "const", "anyOf", "oneOf", "allOf", "$ref",
        "properties", "required", "additionalProperties",
        "items", "prefixItems", "minItems", "maxItems",
        "minLength", "maxLength", "pattern", "format",
        "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
    ];

    private static readonly string[] s_objectKeywords = ["properties", "required", "additionalProperties"];
    private static readonly string[] s_arrayKeywords = ["items", "prefixItems", "minItems", "maxItems"];
    private static readonly string[] s_stringKeywords = ["minLength", "maxLength", "pattern", "format"];
    private static readonly string[] s_numberKeywords = ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"];

    private readonly GrammarBuilder _builder;
    private readonly string _rulePrefix;
    private readonly ConstraintOptions _options;
    private readonly JsonElement _root;
    private readonly Dictionary<string, string> _refRules = new(StringComparer.Ordinal);
    private readonly GrammarExpr _ws;
    private readonly GrammarExpr _comma;
    private readonly GrammarExpr _colon;

    private JsonSchemaCompiler(JsonElement root, ConstraintOptions options, GrammarBuilder builder, string rulePrefix)
    {
        _builder = builder;
        _rulePrefix = rulePrefix;
        _root = root;
        _options = options;
        _ws = JsonText.Whitespace(options);
        _comma = GrammarExpr.Seq(_ws, GrammarExpr.Lit(","), _ws);
        _colon = GrammarExpr.Seq(_ws, GrammarExpr.Lit(":"), _ws);
        JsonText.DefineCommonRules(_builder, options);
    }

    /// <exception cref="ConstraintException">Invalid JSON, an invalid or unsupported schema, or an unsatisfiable one.</exception>
    public static Grammar Compile(string schemaText, ConstraintOptions options)
    {
        var builder = new GrammarBuilder();
        builder.Define("root", GrammarExpr.Seq(JsonText.LeadingSpace, CompileInto(builder, schemaText, options, "")));
        return builder.Build("root");
    }

    /// <summary>
    /// Defines the rules of <paramref name="schemaText"/> in <paramref name="builder"/> (their names start with
    /// <paramref name="rulePrefix"/>, so several schemas share one grammar) and returns the expression of its values.
    /// </summary>
    /// <exception cref="ConstraintException">Invalid JSON, an invalid or unsupported schema.</exception>
    public static GrammarExpr CompileInto(GrammarBuilder builder, string schemaText, ConstraintOptions options, string rulePrefix)
    {
        if (string.IsNullOrWhiteSpace(schemaText))
        {
            throw new ConstraintException("The JSON schema is empty.");
        }
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(schemaText);
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new ConstraintException($"The JSON schema is not valid JSON: {e.Message}", e);
        }
        return new JsonSchemaCompiler(root, options, builder, rulePrefix).Schema(root, "#");
    }

    /// <summary>Any JSON object (<c>json_object</c>).</summary>
    public static Grammar CompileAnyObject(ConstraintOptions options)
    {
        var builder = new GrammarBuilder();
        JsonText.DefineCommonRules(builder, options);
        builder.Define("root", GrammarExpr.Seq(JsonText.LeadingSpace, GrammarExpr.Ref(JsonText.ObjectRule)));
        return builder.Build("root");
    }

    private GrammarExpr Schema(JsonElement schema, string path)
    {
        switch (schema.ValueKind)
        {
            case JsonValueKind.True:
                return GrammarExpr.Ref(JsonText.ValueRule);
            case JsonValueKind.False:
                return GrammarExpr.Nothing;
            case JsonValueKind.Object:
                break;
            default:
                throw Invalid(path, $"a schema must be an object or a boolean, not {schema.ValueKind}");
        }
        var unsupported = new List<string>();
        foreach (var property in schema.EnumerateObject())
        {
            if (!s_keywords.Contains(property.Name) && !s_annotations.Contains(property.Name))
            {
                unsupported.Add($"'{property.Name}'");
            }
        }
        if (unsupported.Count > 0)
        {
            throw new ConstraintException(
                $"Unsupported JSON schema keyword{(unsupported.Count > 1 ? "s" : "")} {string.Join(", ", unsupported)} at '{path}'.");
        }

        if (schema.TryGetProperty("$ref", out var reference))
        {
            RequireAlone(schema, path, "$ref");
            if (reference.ValueKind != JsonValueKind.String)
            {
                throw Invalid(path, "'$ref' must be a string");
            }
            return WithNullable(schema, GrammarExpr.Ref(RefRule(reference.GetString()!, path)));
        }
        if (schema.TryGetProperty("allOf", out var allOf))
        {
            RequireAlone(schema, path, "allOf");
            if (allOf.ValueKind != JsonValueKind.Array || allOf.GetArrayLength() != 1)
            {
                throw new ConstraintException($"'allOf' is supported only with exactly one subschema (at '{path}').");
            }
            return WithNullable(schema, Schema(allOf[0], path + "/allOf/0"));
        }
        foreach (var combinator in (ReadOnlySpan<string>)["anyOf", "oneOf"])
        {
            if (schema.TryGetProperty(combinator, out var list))
            {
                RequireAlone(schema, path, combinator);
                if (list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
                {
                    throw Invalid(path, $"'{combinator}' must be a non-empty array");
                }
                var options = new List<GrammarExpr>();
                var i = 0;
                foreach (var sub in list.EnumerateArray())
                {
                    options.Add(Schema(sub, $"{path}/{combinator}/{i++}"));
                }
                return WithNullable(schema, GrammarExpr.Alt(options));
            }
        }
        var types = ReadTypes(schema, path);
        if (schema.TryGetProperty("enum", out var enumValues) || schema.TryGetProperty("const", out enumValues))
        {
            return Enumeration(schema, path, types);
        }
        if (types.Count == 0)
        {
            types = InferTypes(schema);
        }
        if (types.Count == 0)
        {
            return GrammarExpr.Ref(JsonText.ValueRule);
        }
        var alternatives = new List<GrammarExpr>();
        foreach (var type in types)
        {
            alternatives.Add(type switch
            {
                "object" => ObjectSchema(schema, path),
                "array" => ArraySchema(schema, path),
                "string" => StringSchema(schema, path),
                "integer" => IntegerSchema(schema, path),
                "number" => NumberSchema(schema, path),
                "boolean" => GrammarExpr.Alt(GrammarExpr.Lit("true"), GrammarExpr.Lit("false")),
                "null" => GrammarExpr.Lit("null"),
                _ => throw Invalid(path, $"unknown type '{type}'"),
            });
        }
        return GrammarExpr.Alt(alternatives);
    }

    private static List<string> ReadTypes(JsonElement schema, string path)
    {
        var types = new List<string>();
        if (schema.TryGetProperty("type", out var type))
        {
            if (type.ValueKind == JsonValueKind.String)
            {
                types.Add(type.GetString()!);
            }
            else if (type.ValueKind == JsonValueKind.Array && type.GetArrayLength() > 0)
            {
                foreach (var t in type.EnumerateArray())
                {
                    if (t.ValueKind != JsonValueKind.String)
                    {
                        throw Invalid(path, "'type' entries must be strings");
                    }
                    if (!types.Contains(t.GetString()!))
                    {
                        types.Add(t.GetString()!);
                    }
                }
            }
            else
            {
                throw Invalid(path, "'type' must be a string or a non-empty array of strings");
            }
            if (types.Contains("number") && types.Contains("integer"))
            {
                types.Remove("integer");
            }
        }
        if (schema.TryGetProperty("nullable", out var nullable) && nullable.ValueKind == JsonValueKind.True && types.Count > 0 && !types.Contains("null"))
        {
            types.Add("null");
        }
        return types;
    }

    private static List<string> InferTypes(JsonElement schema)
    {
        var types = new List<string>();
        if (HasAny(schema, s_objectKeywords))
        {
            types.Add("object");
        }
        if (HasAny(schema, s_arrayKeywords))
        {
            types.Add("array");
        }
        if (HasAny(schema, s_stringKeywords))
        {
            types.Add("string");
        }
        if (HasAny(schema, s_numberKeywords))
        {
            types.Add("number");
        }
        if (types.Count > 0 && schema.TryGetProperty("nullable", out var nullable) && nullable.ValueKind == JsonValueKind.True)
        {
            types.Add("null");
        }
        return types;
    }

    private GrammarExpr Enumeration(JsonElement schema, string path, List<string> types)
    {
        foreach (var property in schema.EnumerateObject())
        {
            if (s_keywords.Contains(property.Name) && property.Name is not ("enum" or "const" or "type" or "nullable"))
            {
                throw new ConstraintException($"Combining 'enum'/'const' with '{property.Name}' is not supported (at '{path}').");
            }
        }
        var values = new List<JsonElement>();
        if (schema.TryGetProperty("const", out var constant))
        {
            values.Add(constant);
        }
        if (schema.TryGetProperty("enum", out var enumeration))
        {
            if (enumeration.ValueKind != JsonValueKind.Array)
            {
                throw Invalid(path, "'enum' must be an array");
            }
            values.AddRange(enumeration.EnumerateArray());
        }
        var options = new List<GrammarExpr>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var value in values)
        {
            if (types.Count > 0 && !types.Exists(t => MatchesType(value, t)))
            {
                continue;
            }
            var text = Serialize(value);
            if (seen.Add(text))
            {
                options.Add(GrammarExpr.Lit(text));
            }
        }
        if (options.Count == 0)
        {
            throw new ConstraintException($"No value satisfies the schema at '{path}': 'enum'/'const' leaves no value of the allowed type.");
        }
        return GrammarExpr.Alt(options);
    }

    private static bool MatchesType(JsonElement value, string type) => type switch
    {
        "object" => value.ValueKind == JsonValueKind.Object,
        "array" => value.ValueKind == JsonValueKind.Array,
        "string" => value.ValueKind == JsonValueKind.String,
        "number" => value.ValueKind == JsonValueKind.Number,
        "integer" => value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var d) && d == decimal.Truncate(d),
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "null" => value.ValueKind == JsonValueKind.Null,
        _ => false,
    };

    private static string Serialize(JsonElement value)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            value.WriteTo(writer);
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    private string RefRule(string reference, string path)
    {
        if (_refRules.TryGetValue(reference, out var name))
        {
            return name;
        }
        if (!reference.StartsWith('#'))
        {
            throw new ConstraintException($"Only local '$ref's (starting with '#') are supported; '{reference}' at '{path}' is not.");
        }
        name = _rulePrefix + "ref:" + reference;
        _refRules[reference] = name;
        _builder.Define(name, Schema(ResolvePointer(reference, path), reference));
        return name;
    }

    private JsonElement ResolvePointer(string reference, string path)
    {
        var current = _root;
        var pointer = Uri.UnescapeDataString(reference[1..]);
        if (pointer.Length == 0)
        {
            return current;
        }
        if (!pointer.StartsWith('/'))
        {
            throw new ConstraintException($"'$ref' '{reference}' at '{path}' is not a JSON pointer (anchors are not supported).");
        }
        foreach (var rawToken in pointer[1..].Split('/'))
        {
            var token = rawToken.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (current.ValueKind == JsonValueKind.Object && current.TryGetProperty(token, out var child))
            {
                current = child;
            }
            else if (current.ValueKind == JsonValueKind.Array && int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < current.GetArrayLength())
            {
                current = current[index];
            }
            else
            {
                throw new ConstraintException($"'$ref' '{reference}' at '{path}' does not resolve to anything in the schema.");
            }
        }
        return current;
    }

    private static void RequireAlone(JsonElement schema, string path, string keyword)
    {
        foreach (var property in schema.EnumerateObject())
        {
            if (property.Name != keyword && property.Name != "nullable" && s_keywords.Contains(property.Name))
            {
                throw new ConstraintException($"Combining '{keyword}' with '{property.Name}' in one schema is not supported (at '{path}').");
            }
        }
    }

    private static GrammarExpr WithNullable(JsonElement schema, GrammarExpr expr) =>
        schema.TryGetProperty("nullable", out var nullable) && nullable.ValueKind == JsonValueKind.True
            ? GrammarExpr.Alt(expr, GrammarExpr.Lit("null"))
            : expr;

    private static bool HasAny(JsonElement schema, string[] keywords)
    {
        foreach (var keyword in keywords)
        {
            if (schema.TryGetProperty(keyword, out _))
            {
                return true;
            }
        }
        return false;
    }

    private static ConstraintException Invalid(string path, string problem) => new($"Invalid JSON schema at '{path}': {problem}.");

    private string UniqueRuleName(string name)
    {
        name = _rulePrefix + name;
        if (!_builder.IsDefined(name))
        {
            return name;
        }
        for (var i = 2; ; i++)
        {
            var candidate = $"{name}#{i}";
            if (!_builder.IsDefined(candidate))
            {
                return candidate;
            }
        }
    }
}
