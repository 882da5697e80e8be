using System.Text.Json;
using LlmEngine.Chat.Mapping;
using Microsoft.Extensions.AI;
using NUnit.Framework;

namespace LlmEngine.Tests.Chat.Mapping;

public sealed class ChatMessageMapperTests
{
    [Test]
    public void Maps_a_tool_conversation_to_template_messages()
    {
        var arguments = new Dictionary<string, object?>
        {
            ["city"] = "Paris",
            ["days"] = 3,
            ["options"] = JsonDocument.Parse("""{"unit": "celsius"}""").RootElement,
        };
        ChatMessage[] messages =
        [
            new(new ChatRole("developer"), "Be brief."),
            new(ChatRole.User, "Weather?"),
            new(ChatRole.Assistant, [new TextReasoningContent("Use the tool."), new FunctionCallContent("call_1", "get_weather", arguments), new FunctionCallContent("call_2", "get_time")]),
            new(ChatRole.Tool, [new FunctionResultContent("call_1", JsonDocument.Parse("""{"t": 18}""").RootElement), new FunctionResultContent("call_2", 12)]),
            new(ChatRole.Assistant, [new TextContent("18 degrees at "), new TextContent("noon.")]),
        ];

        var mapped = ChatMessageMapper.ToTemplateMessages(messages, instructions: null);

        Assert.That(mapped.ToJsonString(), Is.EqualTo(
            """[{"role":"system","content":"Be brief."},{"role":"user","content":"Weather?"},""" +
            """{"role":"assistant","content":"","reasoning_content":"Use the tool.","tool_calls":[""" +
            """{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":{"city":"Paris","days":3,"options":{"unit":"celsius"}}}},""" +
            """{"id":"call_2","type":"function","function":{"name":"get_time","arguments":{}}}]},""" +
            """{"role":"tool","tool_call_id":"call_1","name":"get_weather","content":"{\u0022t\u0022: 18}"},""" +
            """{"role":"tool","tool_call_id":"call_2","name":"get_time","content":"12"},""" +
            """{"role":"assistant","content":"18 degrees at noon."}]"""));
    }

    [TestCase(true, """[{"role":"system","content":"Answer in French.\n\nBe brief."},{"role":"user","content":"Hi"}]""")]
    [TestCase(false, """[{"role":"system","content":"Answer in French."},{"role":"user","content":"Hi"}]""")]
    public void Instructions_join_the_system_message_or_become_one(bool withSystem, string expected)
    {
        var messages = new List<ChatMessage> { new(ChatRole.User, "Hi") };
        if (withSystem)
        {
            messages.Insert(0, new ChatMessage(ChatRole.System, "Be brief."));
        }
        Assert.That(ChatMessageMapper.ToTemplateMessages(messages, "Answer in French.").ToJsonString(), Is.EqualTo(expected));
    }

    [Test]
    public void A_result_must_answer_an_earlier_call()
    {
        ChatMessage[] messages =
        [
            new(ChatRole.Tool, [new FunctionResultContent("call_1", "early")]),
            new(ChatRole.Assistant, [new FunctionCallContent("call_1", "f")]),
        ];
        Assert.That(() => ChatMessageMapper.ToTemplateMessages(messages, null),
            Throws.ArgumentException.With.Message.Contains("Message 0 holds a result for call id 'call_1'"));
    }
}
