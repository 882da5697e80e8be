using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using Json.Schema;
using LlmEngine.Chat;
using LlmEngine.Chat.ToolCalls;
using LlmEngine.Sampling.Constraints;
using LlmEngine.Tests.Constraints;
using Microsoft.Extensions.AI;
using NUnit.Framework;

namespace LlmEngine.Tests.Chat.ToolCalls;

/// <summary>
/// For generated tools, text sampled with random logits under a <see cref="ToolCallConstraint"/> is read by the
/// family's own parser as calls, each naming an offered tool, with arguments that validate against that tool's
/// schema (JsonSchema.Net). The vocabulary has the markers as single tokens the way real ones do:
/// <c>&lt;tool_call&gt;</c> ordinary, <c>[TOOL_CALLS]</c> and <c>&lt;|python_tag|&gt;</c> special.
/// </summary>
[TestFixture]
public sealed class ToolCallConstraintPropertyTests
{
    private static readonly TestVocabularyTokenizer s_tokenizer = MarkerVocabulary();
    private static readonly EvaluationOptions s_validation = new() { RequireFormatValidation = true, OutputFormat = OutputFormat.List };

    private static readonly Gen<List<ToolCallSchema>> s_tools =
        Gen.Select(SchemaGenerators.Schema, Gen.Bool).Array[1, 3].Select(schemas =>
            schemas.Select((s, i) => new ToolCallSchema($"tool_{i}", ParametersSchema(s.Item1, s.Item2))).ToList());

    private static readonly ToolCallFormat[] s_formats = [ToolCallFormat.Hermes, ToolCallFormat.Llama3Json, ToolCallFormat.Mistral, ToolCallFormat.Json];

    [Test]
    public void Required_calls_parse_and_validate([ValueSource(nameof(s_formats))] ToolCallFormat format, [Values] bool parallel)
    {
        Check(format, (tools, _) => new ToolCallConstraint(format, tools) { AllowParallelCalls = parallel, Options = new() { MaxWhitespace = 1 } },
            (tools, _, calls, text) =>
            {
                Assert.That(calls, parallel ? Is.Not.Empty : Has.Count.EqualTo(1));
                Assert.That(text.Trim(), Is.Empty, "a required output is calls only");
            });
    }

    [Test]
    public void Named_calls_parse_validate_and_name_that_tool([ValueSource(nameof(s_formats))] ToolCallFormat format)
    {
        Check(format, (tools, pick) => new ToolCallConstraint(format, [tools[pick % tools.Count]]) { AllowParallelCalls = false },
            (tools, pick, calls, text) =>
            {
                Assert.That(calls.Select(c => c.Name), Is.EqualTo(new[] { tools[pick % tools.Count].Name }));
                Assert.That(text.Trim(), Is.Empty);
            });
    }

    [Test]
    public void Auto_outputs_are_text_or_calls_that_parse_and_validate([ValueSource(nameof(s_formats))] ToolCallFormat format)
    {
        var sawText = false;
        var sawCalls = false;
        // Half the outputs are made to start a call (random logits alone rarely pick the one marker token).
        var callStart = format switch
        {
            ToolCallFormat.Hermes => "<tool_call>",
            ToolCallFormat.Mistral => "[TOOL_CALLS]",
            ToolCallFormat.Llama3Json => "<|python_tag|>",
            _ => "{",
        };
        Check(format, (tools, _) => new ToolCallConstraint(format, tools) { Required = false, Options = new() { MaxWhitespace = 1 } },
            (tools, _, calls, text) =>
            {
                sawText |= calls.Count == 0;
                sawCalls |= calls.Count > 0;
                if (format != ToolCallFormat.Json)
                {
                    Assert.That(text, Does.Not.Contain(callStart), "a started call always completes");
                }
            }, pick => pick % 2 == 0 ? callStart : null);
        Assert.That((sawText, sawCalls), Is.EqualTo((true, true)), "both text and calls should come up");
    }

    [Test]
    public void Special_marker_tokens_are_allowed_only_where_the_grammar_names_them()
    {
        var spec = new ToolCallConstraint(ToolCallFormat.Mistral, [new ToolCallSchema("f", """{"type":"object","properties":{"s":{"type":"string"}}}""")])
        {
            Required = false,
            Options = new() { MaxWhitespace = 1 },
        };
        var state = ConstraintCompiler.CompileUncached(spec).CreateState(s_tokenizer);
        var marker = s_tokenizer.GetTokenId("[TOOL_CALLS]")!.Value;
        var tag = s_tokenizer.GetTokenId("<|python_tag|>")!.Value;
        Assert.That(state.IsTokenAllowed(marker), Is.True, "the special token starts a call");
        Assert.That(state.IsTokenAllowed(tag), Is.False, "another special token is not text");
        Assert.That(state.Accept(marker), Is.True);
        foreach (var b in Encoding.UTF8.GetBytes("[{\"name\": \"f\", \"arguments\": {\"s\": \""))
        {
            Assert.That(state.Accept(b), Is.True);
        }
        Assert.That(state.IsTokenAllowed(marker), Is.False, "inside a string the special token is not its text");
        Assert.That(state.IsTokenAllowed('['), Is.True);
    }

    private static void Check(ToolCallFormat format, Func<List<ToolCallSchema>, int, ToolCallConstraint> makeSpec,
        Action<List<ToolCallSchema>, int, List<FunctionCallContent>, string> assert, Func<int, string?>? forcedStart = null)
    {
        var incomplete = 0;
        Gen.Select(s_tools, Gen.Int[0, 1000], Gen.Int).Sample((tools, pick, seed) =>
        {
            var spec = makeSpec(tools, pick);
            var state = ConstraintCompiler.CompileUncached(spec).CreateState(s_tokenizer);
            var start = forcedStart?.Invoke(pick) ?? "";
            if (start.Length > 0)
            {
                Assert.That(state.Accept(s_tokenizer.GetTokenId(start) ?? start[0]), Is.True, $"{start} starts a call");
            }
            var (generated, completed) = ConstrainedSampling.Generate(state, s_tokenizer, new Random(seed), softCap: 40, hardCap: 600);
            var text = start + generated;
            if (!completed)
            {
                incomplete++;
                return;
            }
            var parser = ToolCallParsers.Create(format, tools.Select(t => t.Name).ToHashSet())!;
            var contents = ParserRun.Run(parser, Chunks(text, seed));
            var calls = contents.OfType<FunctionCallContent>().ToList();
            var rest = string.Concat(contents.OfType<TextContent>().Select(t => t.Text));
            foreach (var call in calls)
            {
                var tool = tools.SingleOrDefault(t => t.Name == call.Name);
                Assert.That(tool, Is.Not.Null, $"call of an unknown tool in {text}");
                Validate(tool!, call, text);
            }
            try
            {
                assert(tools, pick, calls, rest);
            }
            catch (Exception e) when (e is AssertionException or MultipleAssertException)
            {
                throw new AssertionException($"{e.Message}\nfull output: {text}");
            }
        }, iter: 80, threads: 1);
        Assert.That(incomplete, Is.LessThan(8), "outputs should finish within the length cap");
    }

    private static void Validate(ToolCallSchema tool, FunctionCallContent call, string text)
    {
        var arguments = JsonSerializer.SerializeToElement(call.Arguments);
        var result = ReferenceValidator.Evaluate(tool.ParametersSchema!, arguments, s_validation);
        if (!result.IsValid)
        {
            var errors = string.Join("; ", (result.Details ?? []).Where(d => d.Errors is not null)
                .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")));
            Assert.Fail($"Arguments {arguments} of {call.Name} in {text} do not validate against {tool.ParametersSchema}: {errors}");
        }
    }

    // An object schema as tools declare them: a generated object schema as it is, or any generated schema as the
    // required property "value" of one (its $defs moved to the top, where its references point).
    private static string ParametersSchema(JsonNode generated, bool wrap)
    {
        if (!wrap && generated is JsonObject direct && direct["type"] is JsonValue type && type.TryGetValue<string>(out var name) && name == "object" && direct["nullable"] is null && direct["$defs"] is null)
        {
            return direct.ToJsonString();
        }
        var inner = generated.DeepClone();
        var wrapper = new JsonObject
        {
            ["type"] = "object",
            ["required"] = new JsonArray("value"),
            ["additionalProperties"] = false,
        };
        if (inner is JsonObject innerObject && innerObject["$defs"] is { } definitions)
        {
            innerObject.Remove("$defs");
            wrapper["$defs"] = definitions;
        }
        wrapper["properties"] = new JsonObject { ["value"] = inner };
        return wrapper.ToJsonString();
    }

    private static IEnumerable<string> Chunks(string text, int seed)
    {
        var random = new Random(seed);
        for (var i = 0; i < text.Length;)
        {
            var length = Math.Min(text.Length - i, random.Next(1, 6));
            if (char.IsHighSurrogate(text[i + length - 1]) && i + length < text.Length)
            {
                length++;
            }
            yield return text.Substring(i, length);
            i += length;
        }
    }

    // Bytes, JSON-friendly merges, the Hermes tags as ordinary tokens, the Mistral and Llama 3 markers as special ones.
    private static TestVocabularyTokenizer MarkerVocabulary()
    {
        var json = TestVocabularyTokenizer.JsonFriendly();
        var tokens = new List<byte[]>();
        var texts = new List<string>();
        for (var id = 0; id < json.VocabularySize; id++)
        {
            if (!json.IsSpecialToken(id))
            {
                tokens.Add(json.GetTokenBytes(id).ToArray());
                texts.Add(json.GetTokenText(id));
            }
        }
        foreach (var ordinary in (string[])["<tool_call>", "</tool_call>", "{\"name\": \"", "\", \"arguments\": "])
        {
            tokens.Add(Encoding.UTF8.GetBytes(ordinary));
            texts.Add(ordinary);
        }
        var special = new List<int>();
        foreach (var marker in (string[])["[TOOL_CALLS]", "<|python_tag|>", "</s>"])
        {
            special.Add(tokens.Count);
            tokens.Add(Encoding.UTF8.GetBytes(marker));
            texts.Add(marker);
        }
        return new TestVocabularyTokenizer(tokens, texts, special, eos: special[^1]);
    }
}
