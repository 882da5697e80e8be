using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using Json.Schema;
using LlmEngine.Sampling.Constraints;
using NUnit.Framework;

namespace LlmEngine.Tests.Constraints;

/// <summary>
/// For generated schemas, text sampled under the constraint with random logits parses as JSON and validates against
/// the schema with an independent validator (JsonSchema.Net, formats asserted).
/// </summary>
[TestFixture]
public sealed class JsonSchemaPropertyTests
{
    private static readonly TestVocabularyTokenizer s_tokenizer = TestVocabularyTokenizer.JsonFriendly();
    private static readonly EvaluationOptions s_validation = new() { RequireFormatValidation = true, OutputFormat = OutputFormat.List };

    [Test]
    public void Sampled_outputs_validate_against_generated_schemas()
    {
        var vocabulary = TokenVocabulary.For(s_tokenizer);
        var incomplete = new System.Collections.Concurrent.ConcurrentBag<string>();
        Gen.Select(SchemaGenerators.Schema, Gen.Int, Gen.Bool).Sample((schemaNode, seed, spaced) =>
        {
            var schemaText = schemaNode.ToJsonString();
            var options = new ConstraintOptions { MaxWhitespace = spaced ? 1 : 0 };
            var constraint = ConstraintCompiler.CompileUncached(new JsonSchemaConstraint(schemaText) { Options = options });
            var (text, completed) = ConstrainedSampling.Generate(constraint.CreateState(vocabulary), s_tokenizer, new Random(seed));
            if (!completed)
            {
                incomplete.Add($"{schemaText} -> {text}");
                return;
            }
            EvaluationResults result;
            try
            {
                using var document = JsonDocument.Parse(text);
                result = ReferenceValidator.Evaluate(schemaText, document.RootElement, s_validation);
            }
            catch (Exception e) when (e is JsonException or FormatException)
            {
                Assert.Fail($"Output {text} for {schemaText} could not be checked: {e.Message}");
                return;
            }
            if (!result.IsValid)
            {
                var errors = string.Join("; ", (result.Details ?? []).Where(d => d.Errors is not null)
                    .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")));
                Assert.Fail($"Output {text} does not validate against {schemaText}: {errors}");
            }
        }, iter: 1000, threads: 1);
        Assert.That(incomplete, Has.Count.LessThan(10), "outputs should finish well within the length cap:\n" + string.Join("\n", incomplete.Take(5)));
    }

    [Test]
    public void Generated_schemas_are_accepted_by_the_reference_validator_as_schemas()
    {
        SchemaGenerators.Schema.Sample(schema =>
        {
            Assert.DoesNotThrow(() => JsonSchema.FromText(schema.ToJsonString()));
        }, iter: 50, threads: 1);
    }
}
