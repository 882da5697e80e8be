using LlmEngine.Chat.ToolCalls;
using Microsoft.Extensions.AI;
using NUnit.Framework;

namespace LlmEngine.Tests.Chat.ToolCalls;

public sealed class MistralToolCallParserTests
{
    private static readonly object[] s_cases =
    [
        new object[] { """[TOOL_CALLS][{"name": "get_weather", "arguments": {"city": "Paris"}, "id": "abcDEF123"}]""", "call:get_weather{\"city\":\"Paris\"}" },
        new object[] { """[TOOL_CALLS] [{"name": "a", "arguments": {}}, {"name": "b", "arguments": {"x": [1, 2]}}]""", "call:a{}|call:b{\"x\":[1,2]}" },
        new object[] { """Sure.[TOOL_CALLS][{"name": "a", "arguments": {}}]""", "text:Sure.|call:a{}" },
        new object[] { """[TOOL_CALLS]{"name": "a", "arguments": {"k": "v"}}""", "call:a{\"k\":\"v\"}" },
        new object[] { """[TOOL_CALLS]get_weather[ARGS]{"city": "Paris"}""", "call:get_weather{\"city\":\"Paris\"}" },
        new object[] { """[TOOL_CALLS]a[ARGS]{}[TOOL_CALLS]b[ARGS]{"x": 1}""", "call:a{}|call:b{\"x\":1}" },
        new object[] { """[TOOL_CALLS]a[CALL_ID]abcDEF123[ARGS]{"x": 1}""", "call:a{\"x\":1}" },
        new object[] { "[TOOL_CALLS] not json", "text:[TOOL_CALLS] not json" },
        new object[] { """[TOOL_CALLS][{"foo": 1}]""", """text:[TOOL_CALLS][{"foo": 1}]""" },
        new object[] { """[TOOL_CALLS][{"name": "a", "arguments": {}}""", "call:a{}" },
        new object[] { """[TOOL_CALLS][{"name": "a", "argum""", """text:[TOOL_CALLS][{"name": "a", "argum""" },
        new object[] { "Plain [TOOL text [INST]", "text:Plain [TOOL text [INST]" },
    ];

    [TestCaseSource(nameof(s_cases))]
    public void Parses_every_chunking_alike(string output, string expected) =>
        ParserRun.AssertAllChunkings(() => new MistralToolCallParser(), output, expected);

    [Test]
    public void Keeps_a_valid_model_id_and_replaces_others_with_nine_alphanumerics()
    {
        var calls = ParserRun.Run(new MistralToolCallParser(),
            ["""[TOOL_CALLS][{"name": "a", "arguments": {}, "id": "abcDEF123"}, {"name": "b", "arguments": {}, "id": "call_1"}, {"name": "c", "arguments": {}}]"""])
            .OfType<FunctionCallContent>().ToList();
        Assert.That(calls.Select(c => c.Name), Is.EqualTo(new[] { "a", "b", "c" }));
        Assert.That(calls[0].CallId, Is.EqualTo("abcDEF123"));
        Assert.That(calls[1].CallId, Does.Match("^[A-Za-z0-9]{9}$"));
        Assert.That(calls[2].CallId, Does.Match("^[A-Za-z0-9]{9}$"));
    }

    [Test]
    public void Each_array_element_is_passed_on_as_soon_as_it_is_complete()
    {
        var parser = new MistralToolCallParser();
        var output = new List<AIContent>();
        parser.Append("""[TOOL_CALLS][{"name": "a", "arguments": {}}, {"name": "b", """, output);
        Assert.That(ParserRun.Describe(output), Is.EqualTo("call:a{}"));
        parser.Append("""  "arguments": {}}]""", output);
        Assert.That(ParserRun.Describe(output), Is.EqualTo("call:a{}|call:b{}"));
    }
}
