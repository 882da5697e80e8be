using System.Text.Json;
using LlmEngine.Hosting.Errors;
using LlmEngine.Sampling.Constraints;

namespace LlmEngine.Hosting.Sampling;

/// <summary>
/// Reads what a request asks its output to match (<c>response_format</c>, vLLM's <c>guided_json</c>,
/// <c>guided_regex</c>, <c>guided_choice</c>, <c>guided_grammar</c> or <c>structured_outputs</c>) into a
/// <see cref="ConstraintSpec"/> and compiles it once (through the shared, caching compiler), so a bad schema, regex or
/// grammar is a 400 naming the field before any token is generated.
/// </summary>
internal static class GuidedDecoding
{
    /// <summary>The spec the request asks for, and the wire field it came from; null when the output is free.</summary>
    /// <exception cref="OpenAiException">Two fields ask for different constraints, or one is invalid.</exception>
    public static (ConstraintSpec Spec, string Field)? Read(SamplingRequest request)
    {
        var found = new List<(ConstraintSpec Spec, string Field)>();
        if (request.ResponseFormat is { } format && FromResponseFormat(format) is { } fromFormat)
        {
            found.Add((fromFormat, "response_format"));
        }
        if (request.GuidedJson.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null))
        {
            found.Add((new JsonSchemaConstraint(SchemaText(request.GuidedJson, "guided_json")), "guided_json"));
        }
        if (request.GuidedRegex is { } regex)
        {
            found.Add((new RegexConstraint(regex), "guided_regex"));
        }
        if (request.GuidedChoice is { } choice)
        {
            found.Add((new ChoiceConstraint(choice), "guided_choice"));
        }
        if (request.GuidedGrammar is { } grammar)
        {
            found.Add((new GbnfGrammarConstraint(grammar), "guided_grammar"));
        }
        if (request.StructuredOutputs is { } structured)
        {
            if (structured.Json.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null))
            {
                found.Add((new JsonSchemaConstraint(SchemaText(structured.Json, "structured_outputs.json")), "structured_outputs.json"));
            }
            if (structured.Regex is { } r)
            {
                found.Add((new RegexConstraint(r), "structured_outputs.regex"));
            }
            if (structured.Choice is { } c)
            {
                found.Add((new ChoiceConstraint(c), "structured_outputs.choice"));
            }
            if (structured.Grammar is { } g)
            {
                found.Add((new GbnfGrammarConstraint(g), "structured_outputs.grammar"));
            }
        }
        if (found.Count == 0)
        {
            return null;
        }
        if (found.Count > 1)
        {
            throw OpenAiException.BadRequest(
                $"Only one output constraint may be given, but the request has {string.Join(", ", found.Select(f => f.Field))}.", found[1].Field);
        }
        var (spec, field) = found[0];
        try
        {
            ConstraintCompiler.Shared.Compile(spec);
        }
        catch (ConstraintException error)
        {
            throw OpenAiException.BadRequest($"'{field}' is not a valid constraint: {error.Message}", field, inner: error);
        }
        return found[0];
    }

    private static ConstraintSpec? FromResponseFormat(ResponseFormat format)
    {
        switch (format.Type)
        {
            case "text":
                return null;
            case "json_object":
                return new JsonObjectConstraint();
            case "json_schema":
                if (format.JsonSchema is not { } schema || schema.Schema.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
                {
                    throw OpenAiException.BadRequest("'response_format.json_schema.schema' is required when response_format.type is json_schema.", "response_format.json_schema.schema");
                }
                return new JsonSchemaConstraint(SchemaText(schema.Schema, "response_format.json_schema.schema"));
            default:
                throw OpenAiException.BadRequest(
                    $"'response_format.type' must be text, json_object or json_schema; got '{format.Type ?? "null"}'.", "response_format.type");
        }
    }

    private static string SchemaText(JsonElement schema, string field) => schema.ValueKind switch
    {
        JsonValueKind.Object or JsonValueKind.True or JsonValueKind.False => schema.GetRawText(),
        JsonValueKind.String => schema.GetString()!,
        _ => throw OpenAiException.BadRequest($"'{field}' must be a JSON schema (an object); got a JSON {SamplingParametersMapper.Kind(schema)}.", field),
    };
}
