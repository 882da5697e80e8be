using LlmEngine.Chat.ToolCalls;
using NUnit.Framework;

namespace LlmEngine.Tests.Chat.ToolCalls;

public sealed class JsonToolCallParserTests
{
    private static readonly HashSet<string> s_tools = ["get_weather", "get_time"];

    private static readonly object[] s_cases =
    [
        new object[] { """{"name": "get_weather", "arguments": {"city": "Paris"}}""", "call:get_weather{\"city\":\"Paris\"}" },
        new object[] { """ [{"name": "get_weather", "arguments": {"city": "Paris"}}, {"name": "get_time", "parameters": {}}]""", "call:get_weather{\"city\":\"Paris\"}|call:get_time{}" },
        new object[] { "```json\n{\"name\": \"get_time\", \"arguments\": {}}\n```", "call:get_time{}" },
        new object[] { "```\n[{\"name\": \"get_time\", \"arguments\": {}}]\n```\n", "call:get_time{}" },
        new object[] { """{"answer": 42}""", """text:{"answer": 42}""" },
        new object[] { """{"name": "Bob", "age": 3}""", """text:{"name": "Bob", "age": 3}""" },
        new object[] { """[{"name": "get_time", "arguments": {}}, 3]""", """text:[{"name": "get_time", "arguments": {}}, 3]""" },
        new object[] { "It is sunny.", "text:It is sunny." },
        new object[] { "```python\nprint(1)\n```", "text:```python\nprint(1)\n```" },
        new object[] { """{"name": "get_time", "arguments": {}} and more""", "call:get_time{}|text: and more" },
        new object[] { """{"name": "get_time", "argu""", """text:{"name": "get_time", "argu""" },
    ];

    [TestCaseSource(nameof(s_cases))]
    public void Parses_every_chunking_alike(string output, string expected) =>
        ParserRun.AssertAllChunkings(() => new JsonToolCallParser(s_tools), output, expected);
}
