using System.Text.RegularExpressions;
using LlmEngine.Tests.Chat.Fakes;
using Microsoft.Extensions.AI;
using NUnit.Framework;

namespace LlmEngine.Tests.Chat;

/// <summary>
/// The M.E.AI round trip for each tool-call family: the scripted model answers with a tool call in its family's
/// syntax, <c>UseFunctionInvocation()</c> runs the function, the call and its result are rendered back through the
/// real chat template, and the model's final answer comes back.
/// </summary>
public sealed partial class FunctionInvocationTests
{
    private const string FinalAnswer = "It is 18 degrees and cloudy in Paris.";

    private sealed record Family(string Name, Func<string> Template, string EndOfTurn, string[] Markers, string ResultMarker, string CallOutput);

    private static readonly Family[] s_families =
    [
        new("hermes", () => TestTemplates.Qwen25, "<|im_end|>", ["<|im_start|>assistant\n"], "<tool_response>",
            "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>"),
        new("llama3", () => TestTemplates.Llama32, "<|eot_id|>", ["<|start_header_id|>assistant<|end_header_id|>\n\n"], "<|start_header_id|>ipython<|end_header_id|>",
            "<|python_tag|>{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Paris\"}}"),
        new("mistral", () => TestTemplates.MistralTools, "</s>", ["[/INST]", "[/TOOL_RESULTS]"], "[TOOL_RESULTS]",
            "[TOOL_CALLS][{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}]"),
    ];

    private static IEnumerable<TestCaseData> Families() => s_families.Select(f => new TestCaseData(f).SetArgDisplayNames(f.Name));

    [TestCaseSource(nameof(Families))]
    public async Task Function_is_invoked_and_its_result_reaches_the_model(object familyCase)
    {
        var family = (Family)familyCase;
        using var harness = ChatHarness.WithTemplate(family.Template(), prompt => prompt.Contains(family.ResultMarker) ? FinalAnswer : family.CallOutput,
            family.EndOfTurn, family.Markers);
        var cities = new List<string>();
        var weather = AIFunctionFactory.Create((string city) =>
        {
            cities.Add(city);
            return "{\"temperature\": 18, \"condition\": \"cloudy\"}";
        }, "get_weather", "Get the current weather for a city");
        using var client = new ChatClientBuilder(harness.Client).UseFunctionInvocation().Build();

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "What's the weather in Paris?")], new ChatOptions { Tools = [weather] });

        Assert.That(response.Text, Is.EqualTo(FinalAnswer));
        Assert.That(cities, Is.EqualTo(new[] { "Paris" }));
        var call = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().Single();
        var result = response.Messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>().Single();
        Assert.That(result.CallId, Is.EqualTo(call.CallId));
        Assert.That(response.FinishReason, Is.EqualTo(ChatFinishReason.Stop));
        Assert.That(harness.Executor.Prompts, Has.Count.EqualTo(2));
        var second = harness.Executor.Prompts[1];
        Assert.That(second, Does.Contain("get_weather").And.Contain("Paris"), "the call is rendered back");
        Assert.That(second, Does.Contain("18").And.Contain("cloudy"), "the result is rendered back");
        if (family.Name == "mistral")
        {
            Assert.That(call.CallId, Does.Match("^[A-Za-z0-9]{9}$"));
            Assert.That(second, Does.Contain($"\"id\": \"{call.CallId}\"").And.Contain($"\"call_id\": \"{call.CallId}\""));
        }
    }

    [TestCaseSource(nameof(Families))]
    public async Task Streaming_round_trip_returns_the_call_then_the_answer(object familyCase)
    {
        var family = (Family)familyCase;
        using var harness = ChatHarness.WithTemplate(family.Template(), prompt => prompt.Contains(family.ResultMarker) ? FinalAnswer : family.CallOutput,
            family.EndOfTurn, family.Markers);
        var weather = AIFunctionFactory.Create((string city) => $"18 degrees in {city}", "get_weather", "Get the current weather for a city");
        using var client = new ChatClientBuilder(harness.Client).UseFunctionInvocation().Build();

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Weather in Paris?")], new ChatOptions { Tools = [weather] }))
        {
            updates.Add(update);
        }

        Assert.That(updates.SelectMany(u => u.Contents).OfType<FunctionCallContent>().Single().Name, Is.EqualTo("get_weather"));
        Assert.That(updates.Where(u => u.FinishReason == ChatFinishReason.ToolCalls), Has.Exactly(1).Items);
        Assert.That(updates.ToChatResponse().Messages[^1].Text, Is.EqualTo(FinalAnswer));
        Assert.That(harness.Executor.Prompts[1], Does.Contain("18 degrees in Paris"));
    }

    [Test]
    public async Task Parallel_calls_are_all_invoked()
    {
        const string calls = "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>\n" +
            "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Oslo\"}}\n</tool_call>";
        using var harness = ChatHarness.WithTemplate(TestTemplates.Qwen25, prompt => prompt.Contains("<tool_response>") ? "Paris is warmer." : calls,
            "<|im_end|>", ["<|im_start|>assistant\n"]);
        var cities = new List<string>();
        var weather = AIFunctionFactory.Create((string city) =>
        {
            lock (cities)
            {
                cities.Add(city);
            }
            return city == "Paris" ? "18" : "4";
        }, "get_weather");
        using var client = new ChatClientBuilder(harness.Client).UseFunctionInvocation().Build();

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Paris or Oslo?")], new ChatOptions { Tools = [weather] });

        Assert.That(response.Text, Is.EqualTo("Paris is warmer."));
        Assert.That(cities, Is.EquivalentTo(new[] { "Paris", "Oslo" }));
        Assert.That(ToolResponses().Matches(harness.Executor.Prompts[1]).Select(m => m.Groups[1].Value), Is.EqualTo(new[] { "18", "4" }));
    }

    [Test]
    public async Task Without_multiple_tool_calls_only_the_first_is_returned()
    {
        const string calls = "<tool_call>{\"name\": \"f\", \"arguments\": {\"n\": 1}}</tool_call><tool_call>{\"name\": \"f\", \"arguments\": {\"n\": 2}}</tool_call>";
        using var harness = ChatHarness.WithTemplate(TestTemplates.Qwen25, _ => calls, "<|im_end|>", ["<|im_start|>assistant\n"]);
        var f = AIFunctionFactory.Create((int n) => n, "f");

        var response = await harness.Client.GetResponseAsync([new ChatMessage(ChatRole.User, "go")], new ChatOptions { Tools = [f], AllowMultipleToolCalls = false });

        Assert.That(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().Select(c => c.Arguments!["n"]!.ToString()), Is.EqualTo(new[] { "1" }));
        Assert.That(response.FinishReason, Is.EqualTo(ChatFinishReason.ToolCalls));
    }

    [Test]
    public async Task Tool_mode_none_offers_no_tools_and_parses_no_calls()
    {
        const string output = "<tool_call>{\"name\": \"f\", \"arguments\": {}}</tool_call>";
        using var harness = ChatHarness.WithTemplate(TestTemplates.Qwen25, _ => output, "<|im_end|>", ["<|im_start|>assistant\n"]);
        var f = AIFunctionFactory.Create(() => 1, "f");

        var response = await harness.Client.GetResponseAsync([new ChatMessage(ChatRole.User, "go")], new ChatOptions { Tools = [f], ToolMode = ChatToolMode.None });

        Assert.That(response.Text, Is.EqualTo(output));
        Assert.That(harness.Executor.Prompts[0], Does.Not.Contain("# Tools"));
    }

    [Test]
    public async Task Qwen3_reasoning_before_a_call_is_split_off_and_the_call_still_runs()
    {
        const string call = "<think>\nI need the weather tool.\n</think>\n\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>";
        using var harness = ChatHarness.WithTemplate(TestTemplates.Qwen3, prompt => prompt.Contains("<tool_response>") ? "<think>\nEasy.\n</think>\n\n" + FinalAnswer : call,
            "<|im_end|>", ["<|im_start|>assistant\n"]);
        var weather = AIFunctionFactory.Create((string city) => "18 and cloudy", "get_weather");
        using var client = new ChatClientBuilder(harness.Client).UseFunctionInvocation().Build();

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Weather in Paris?")], new ChatOptions { Tools = [weather] });

        Assert.That(response.Messages[^1].Text, Is.EqualTo(FinalAnswer));
        var reasoning = response.Messages.SelectMany(m => m.Contents).OfType<TextReasoningContent>().Select(r => r.Text.Trim());
        Assert.That(reasoning, Is.EqualTo(new[] { "I need the weather tool.", "Easy." }));
        Assert.That(harness.Executor.Prompts[1], Does.Contain("<think>\nI need the weather tool.\n</think>"), "Qwen3 renders the reasoning of the current turn back");
    }

    [GeneratedRegex("<tool_response>\n(.*?)\n</tool_response>")]
    private static partial Regex ToolResponses();
}
