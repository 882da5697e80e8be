using LlmEngine.Chat.ToolCalls;
using Microsoft.Extensions.AI;
using NUnit.Framework;

namespace LlmEngine.Tests.Chat.ToolCalls;

public sealed class HermesToolCallParserTests
{
    private const string Weather = """<tool_call>{"name": "get_weather", "arguments": {"city": "Paris"}}</tool_call>""";

    private static readonly object[] s_cases =
    [
        new object[] { "Hello world", "text:Hello world" },
        new object[] { "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>", "call:get_weather{\"city\":\"Paris\"}" },
        new object[] { "Let me check.\n" + Weather, "text:Let me check.\n|call:get_weather{\"city\":\"Paris\"}" },
        new object[] { Weather + "\n" + """<tool_call>{"name": "get_time", "arguments": {"zone": "CET"}}</tool_call>""" + "\n", "call:get_weather{\"city\":\"Paris\"}|call:get_time{\"zone\":\"CET\"}" },
        new object[] { Weather + "\nDone.", "call:get_weather{\"city\":\"Paris\"}|text:\nDone." },
        new object[] { """<tool_call>{"name": "f", "arguments": {oops}}</tool_call>""", """text:<tool_call>{"name": "f", "arguments": {oops}}</tool_call>""" },
        new object[] { """<tool_call>{"arguments": {}}</tool_call> after""", """text:<tool_call>{"arguments": {}}</tool_call> after""" },
        new object[] { """<tool_call>{"name": "f", "arguments": {}}""", "call:f{}" },
        new object[] { """<tool_call>{"name": "f", "argu""", """text:<tool_call>{"name": "f", "argu""" },
        new object[] { "a < b <tool and <tool_call", "text:a < b <tool and <tool_call" },
        new object[] { """<tool_call>{"name": "f", "arguments": "{\"a\": 1}"}</tool_call>""", "call:f{\"a\":1}" },
        new object[] { """<tool_call>{"name": "f", "arguments": {"s": "h\u00e9 \"q\" }"}}</tool_call>""", "call:f{\"s\":\"h\\u00E9 \\u0022q\\u0022 }\"}" },
        new object[] { """<tool_call>{"type": "function", "function": {"name": "f", "arguments": {"n": 1}}}</tool_call>""", "call:f{\"n\":1}" },
        new object[] { """<tool_call>{"name": "f", "arguments": {"s": "a</tool_call>b"}}</tool_call> x""", "call:f{\"s\":\"a\\u003C/tool_call\\u003Eb\"}|text: x" },
    ];

    [TestCaseSource(nameof(s_cases))]
    public void Parses_every_chunking_alike(string output, string expected) =>
        ParserRun.AssertAllChunkings(() => new HermesToolCallParser(), output, expected);

    [Test]
    public void Text_streams_before_the_call_starts_and_the_call_comes_when_complete()
    {
        var parser = new HermesToolCallParser();
        var output = new List<AIContent>();
        parser.Append("Checking <tool", output);
        Assert.That(ParserRun.Describe(output), Is.EqualTo("text:Checking "));
        parser.Append("_call>{\"name\": \"f\", \"arguments\": {}}", output);
        Assert.That(output, Has.Count.EqualTo(1), "no call until the block closes");
        parser.Append("</tool_call>", output);
        Assert.That(ParserRun.Describe(output), Is.EqualTo("text:Checking |call:f{}"));
    }

    [Test]
    public void Each_call_gets_its_own_openai_style_id()
    {
        var calls = ParserRun.Run(new HermesToolCallParser(), [Weather + Weather]).OfType<FunctionCallContent>().ToList();
        Assert.That(calls, Has.Count.EqualTo(2));
        Assert.That(calls[0].CallId, Does.Match("^call_[A-Za-z0-9]{24}$"));
        Assert.That(calls[1].CallId, Is.Not.EqualTo(calls[0].CallId));
    }
}
