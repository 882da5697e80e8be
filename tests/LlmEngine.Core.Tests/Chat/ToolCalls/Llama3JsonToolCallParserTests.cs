using LlmEngine.Chat.ToolCalls;
using NUnit.Framework;

namespace LlmEngine.Tests.Chat.ToolCalls;

public sealed class Llama3JsonToolCallParserTests
{
    private const string Weather = """{"name": "get_weather", "parameters": {"city": "Paris"}}""";
    private static readonly HashSet<string> s_tools = ["get_weather", "get_time"];

    private static readonly object[] s_cases =
    [
        new object[] { Weather, "call:get_weather{\"city\":\"Paris\"}" },
        new object[] { "<|python_tag|>" + Weather, "call:get_weather{\"city\":\"Paris\"}" },
        new object[] { " \n" + Weather + "\n", "call:get_weather{\"city\":\"Paris\"}" },
        new object[] { Weather + "; " + """{"name": "get_time", "arguments": {"zone": "CET"}}""", "call:get_weather{\"city\":\"Paris\"}|call:get_time{\"zone\":\"CET\"}" },
        new object[] { "The answer is {x}.", "text:The answer is {x}." },
        new object[] { "Sure.<|python_tag|>" + Weather, "text:Sure.|call:get_weather{\"city\":\"Paris\"}" },
        new object[] { """{"name": "unknown", "parameters": {}}""", """text:{"name": "unknown", "parameters": {}}""" },
        new object[] { """<|python_tag|>{"name": "unknown", "parameters": {}}""", "call:unknown{}" },
        new object[] { """{"answer": 42}""", """text:{"answer": 42}""" },
        new object[] { """{"name": "get_weather", "parameters": {"city": }""", """text:{"name": "get_weather", "parameters": {"city": }""" },
        new object[] { """{"name": "get_weather", "parameters": {"city": "Paris"}""", """text:{"name": "get_weather", "parameters": {"city": "Paris"}""" },
        new object[] { "<|python_tag|>brave_search.call(query=\"x\")", "text:<|python_tag|>brave_search.call(query=\"x\")" },
        new object[] { Weather + " and then some text", "call:get_weather{\"city\":\"Paris\"}|text: and then some text" },
        new object[] { "<|pyth", "text:<|pyth" },
    ];

    [TestCaseSource(nameof(s_cases))]
    public void Parses_every_chunking_alike(string output, string expected) =>
        ParserRun.AssertAllChunkings(() => new Llama3JsonToolCallParser(s_tools), output, expected);
}
