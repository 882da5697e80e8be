using System.Text.Json;
using Json.Schema;
using LlmEngine.Chat;
using LlmEngine.Composition;
using LlmEngine.Templates;
using LlmEngine.Tests.Chat.Fakes;
using LlmEngine.Tests.Infrastructure;
using Microsoft.Extensions.AI;
using NUnit.Framework;

namespace LlmEngine.Tests.Chat;

/// <summary>
/// <c>ChatToolMode.RequireAny</c> and a named function through <see cref="LlmEngineChatClient"/>, for each tool-call
/// family's real (or family-shaped) template: a model that samples noise still answers with calls that parse into
/// <see cref="FunctionCallContent"/> and whose arguments validate against the tool's schema.
/// </summary>
public sealed class ConstrainedToolCallChatTests
{
    private const string WeatherSchema = """
        {"type":"object","properties":{
          "city":{"type":"string","maxLength":24},
          "unit":{"enum":["celsius","fahrenheit"]},
          "days":{"type":"integer","minimum":1,"maximum":7}},
         "required":["city","unit"],"additionalProperties":false}
        """;

    private const string BookingSchema = """
        {"type":"object","properties":{
          "guests":{"type":"integer","minimum":1,"maximum":12},
          "date":{"type":"string","format":"date"},
          "vegetarian":{"type":"boolean"},
          "notes":{"type":["string","null"],"maxLength":16}},
         "required":["guests","date"],"additionalProperties":false}
        """;

    private static readonly AIFunctionDeclaration[] s_tools =
    [
        AIFunctionFactory.CreateDeclaration("get_weather", "Weather forecast for a city.", JsonDocument.Parse(WeatherSchema).RootElement),
        AIFunctionFactory.CreateDeclaration("book_table", "Books a restaurant table.", JsonDocument.Parse(BookingSchema).RootElement),
    ];

    private static readonly Dictionary<string, JsonSchema> s_schemas = new()
    {
        ["get_weather"] = JsonSchema.FromText(WeatherSchema),
        ["book_table"] = JsonSchema.FromText(BookingSchema),
    };

    private static readonly EvaluationOptions s_validation = new() { RequireFormatValidation = true };

    private sealed record Family(string Name, Func<string> Template, ToolCallFormat Format);

    private static readonly Family[] s_families =
    [
        new("hermes", () => TestTemplates.Qwen25, ToolCallFormat.Hermes),
        new("llama3", () => TestTemplates.Llama32, ToolCallFormat.Llama3Json),
        new("mistral", () => TestTemplates.MistralTools, ToolCallFormat.Mistral),
        new("json", () => TestTemplates.ChatMl, ToolCallFormat.Json),
    ];

    private static IEnumerable<TestCaseData> Cases()
    {
        foreach (var family in s_families)
        {
            foreach (var named in new[] { false, true })
            {
                yield return new TestCaseData(family, named).SetArgDisplayNames(family.Name, named ? "named" : "required");
            }
        }
    }

    [TestCaseSource(nameof(Cases))]
    public async Task Noise_answers_with_calls_that_parse_and_validate(object familyCase, bool named)
    {
        var family = (Family)familyCase;
        var tokenizer = new ChatTestTokenizer();
        int[] closing = [.. "\"}]".Select(c => (int)c), .. tokenizer.EndOfGenerationTokenIds];
        for (var seed = 1; seed <= 4; seed++)
        {
            using var engine = new LlmEngine.Engine.LlmEngine(new RandomLogitsExecutor(tokenizer.VocabularySize, closing, seed), tokenizer,
                new LlmEngineOptions { BlockSize = 16, MaxNumSeqs = 4, MaxNumBatchedTokens = 2048, Seed = seed });
            using var client = new LlmEngineChatClient(engine, ChatTemplate.Parse(family.Template()));
            Assert.That(client.TemplateToolCallFormat, Is.EqualTo(family.Format));
            var options = new ChatOptions
            {
                Tools = [.. s_tools],
                ToolMode = named ? ChatToolMode.RequireSpecific("book_table") : ChatToolMode.RequireAny,
                Temperature = 1f,
                MaxOutputTokens = 400,
            };

            var response = await client.GetResponseAsync("Book a table or tell me the weather, please.", options);

            AssertCalls(response, named ? "book_table" : null, $"{family.Name} seed {seed}");
        }
    }

    [Test]
    public async Task A_real_tiny_model_answers_required_and_named_calls_that_validate([Values(1, 2)] long seed, [Values] bool named)
    {
        await using var model = LocalModel.Load(new LocalModelOptions
        {
            Model = TestData.Directory("archs/hf/tiny-qwen2"),
            KVCacheMemoryBytes = 64 << 20,
            Engine = new LlmEngineOptions { NumThreads = 1, MaxModelLength = 2048 },
        });
        using var client = new LlmEngineChatClient(model);
        Assert.That(client.TemplateToolCallFormat, Is.EqualTo(ToolCallFormat.Hermes));
        var options = new ChatOptions
        {
            Tools = [.. s_tools],
            ToolMode = named ? ChatToolMode.RequireSpecific("get_weather") : ChatToolMode.RequireAny,
            Temperature = 1f,
            Seed = seed,
            MaxOutputTokens = 300,
            AllowMultipleToolCalls = false,
        };

        var response = await client.GetResponseAsync("What is the weather in Oslo?", options);

        AssertCalls(response, named ? "get_weather" : null, $"seed {seed}");
        Assert.That(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().Count(), Is.EqualTo(1));
    }

    private static void AssertCalls(ChatResponse response, string? requiredName, string context)
    {
        var contents = response.Messages.SelectMany(m => m.Contents).ToList();
        var calls = contents.OfType<FunctionCallContent>().ToList();
        Assert.That(calls, Is.Not.Empty, $"{context}: no call in {response.Text}");
        Assert.That(response.FinishReason, Is.EqualTo(ChatFinishReason.ToolCalls), context);
        Assert.That(response.Text.Trim(), Is.Empty, $"{context}: a required answer is calls only");
        foreach (var call in calls)
        {
            Assert.That(s_schemas.ContainsKey(call.Name), $"{context}: unknown tool {call.Name}");
            if (requiredName is not null)
            {
                Assert.That(call.Name, Is.EqualTo(requiredName), context);
            }
            var arguments = JsonSerializer.SerializeToElement(call.Arguments);
            var result = s_schemas[call.Name].Evaluate(arguments, s_validation);
            Assert.That(result.IsValid, $"{context}: arguments {arguments} of {call.Name} do not validate");
        }
    }
}
