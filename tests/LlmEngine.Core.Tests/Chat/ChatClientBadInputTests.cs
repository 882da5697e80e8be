using System.Text.Json;
using LlmEngine.Chat;
using LlmEngine.Templates;
using LlmEngine.Tests.Chat.Fakes;
using Microsoft.Extensions.AI;
using NUnit.Framework;

namespace LlmEngine.Tests.Chat;

/// <summary>Every bad call throws at the call, naming what is wrong, and the engine never sees a request.</summary>
public sealed class ChatClientBadInputTests
{
    private static readonly ChatMessage s_hello = new(ChatRole.User, "Hello");

    private static AIFunctionDeclaration Tool(string name, string schema) =>
        AIFunctionFactory.CreateDeclaration(name, "A tool.", JsonDocument.Parse(schema).RootElement);

    private static readonly object[] s_cases =
    [
        new object[] { "empty conversation", Array.Empty<ChatMessage>(), null!, "conversation is empty" },
        new object[] { "unknown role", new[] { new ChatMessage(new ChatRole("narrator"), "Once") }, null!, "role 'narrator'" },
        new object[] { "result for no call", new[] { s_hello, new ChatMessage(ChatRole.Tool, [new FunctionResultContent("call_x", "42")]) }, null!, "call id 'call_x', which matches no function call" },
        new object[] { "tool message without result", new[] { s_hello, new ChatMessage(ChatRole.Tool, "42") }, null!, "role 'tool' but no FunctionResultContent" },
        new object[] { "image content", new[] { new ChatMessage(ChatRole.User, [new DataContent(new byte[] { 1 }, "image/png")]) }, null!, "DataContent" },
        new object[] { "call from the user", new[] { new ChatMessage(ChatRole.User, [new FunctionCallContent("c1", "f")]) }, null!, "only assistant messages" },
        new object[] { "schema not an object", new[] { s_hello }, new ChatOptions { Tools = [Tool("f", "[1, 2]")] }, "Tool 'f' has an invalid parameter schema" },
        new object[] { "schema with a bad type", new[] { s_hello }, new ChatOptions { Tools = [Tool("f", """{"type": "object", "properties": {"a": {"type": "text"}}}""")] }, "parameters.properties.a.type" },
        new object[] { "schema with bad required", new[] { s_hello }, new ChatOptions { Tools = [Tool("f", """{"type": "object", "required": "a"}""")] }, "required is not an array" },
        new object[] { "bad tool name", new[] { s_hello }, new ChatOptions { Tools = [Tool("get weather", """{"type": "object"}""")] }, "contains ' '" },
        new object[] { "duplicate tools", new[] { s_hello }, new ChatOptions { Tools = [Tool("f", "{}"), Tool("f", "{}")] }, "Two tools are named 'f'" },
        new object[] { "required tool missing", new[] { s_hello }, new ChatOptions { Tools = [Tool("f", "{}")], ToolMode = ChatToolMode.RequireSpecific("g") }, "requires the function 'g'" },
        new object[] { "required without tools", new[] { s_hello }, new ChatOptions { ToolMode = ChatToolMode.RequireAny }, "Tools is empty" },
        new object[] { "temperature", new[] { s_hello }, new ChatOptions { Temperature = -1 }, "ChatOptions.Temperature must be at least 0" },
        new object[] { "top p", new[] { s_hello }, new ChatOptions { TopP = 1.5f }, "ChatOptions.TopP must be in (0, 1]" },
        new object[] { "max tokens", new[] { s_hello }, new ChatOptions { MaxOutputTokens = 0 }, "ChatOptions.MaxOutputTokens must be at least 1" },
        new object[] { "penalty", new[] { s_hello }, new ChatOptions { FrequencyPenalty = 3 }, "ChatOptions.FrequencyPenalty must be in [-2, 2]" },
        new object[] { "min_p", new[] { s_hello }, new ChatOptions { AdditionalProperties = new() { ["min_p"] = 2.0 } }, "SamplingParameters.MinP must be in [0, 1]" },
        new object[] { "min_p type", new[] { s_hello }, new ChatOptions { AdditionalProperties = new() { ["min_p"] = "lots" } }, "[\"min_p\"] must be a number" },
        new object[] { "unknown key", new[] { s_hello }, new ChatOptions { AdditionalProperties = new() { ["min_q"] = 0.1 } }, "[\"min_q\"] is not an option" },
        new object[] { "top_k conflict", new[] { s_hello }, new ChatOptions { TopK = 5, AdditionalProperties = new() { ["top_k"] = 6 } }, "set one of them" },
        new object[] { "other model", new[] { s_hello }, new ChatOptions { ModelId = "gpt-4o" }, "ModelId is 'gpt-4o'" },
        new object[] { "conversation id", new[] { s_hello }, new ChatOptions { ConversationId = "c1" }, "ConversationId is not supported" },
        new object[] { "raw representation", new[] { s_hello }, new ChatOptions { RawRepresentationFactory = _ => "params" }, "accepts a SamplingParameters" },
        new object[] { "schema format", new[] { s_hello }, new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(JsonDocument.Parse("3").RootElement) }, "a JSON schema is an object" },
    ];

    [TestCaseSource(nameof(s_cases))]
    public void Bad_input_throws_before_the_engine_is_called(string what, ChatMessage[] messages, ChatOptions? options, string expected)
    {
        using var harness = ChatHarness.ChatMl(_ => "never");
        Assert.That(() => harness.Client.GetStreamingResponseAsync(messages, options),
            Throws.InstanceOf<ArgumentException>().With.Message.Contains(expected), what);
        AssertEngineUntouched(harness);
    }

    [Test]
    public async Task A_template_that_raises_surfaces_its_own_message()
    {
        using var harness = ChatHarness.WithTemplate("{{ raise_exception('Conversation roles must alternate user/assistant') }}", _ => "", "<|im_end|>", ["x"]);
        var error = await Assert.ThrowsAsync<ChatTemplateException>(() => harness.Client.GetResponseAsync([s_hello]));
        Assert.That(error!.Message, Is.EqualTo("Conversation roles must alternate user/assistant"));
        AssertEngineUntouched(harness);
    }

    [Test]
    public void A_prompt_longer_than_the_model_throws()
    {
        using var harness = ChatHarness.ChatMl(_ => "", maxModelLength: 64);
        var error = Assert.Throws<PromptTooLongException>(() => harness.Client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, new string('a', 100))]));
        Assert.That(error!.Message, Does.Contain("maximum model length is 64"));
        Assert.That((error.MaxModelLength, error.ParamName), Is.EqualTo((64, "messages")));
        Assert.That(error.PromptTokenCount, Is.GreaterThanOrEqualTo(100));
        AssertEngineUntouched(harness);
    }

    private static void AssertEngineUntouched(ChatHarness harness)
    {
        var statistics = harness.Engine.GetStatistics();
        Assert.That((statistics.NumSteps, statistics.NumRunningRequests, statistics.NumWaitingRequests), Is.EqualTo((0L, 0, 0)));
        Assert.That(harness.Executor.Prompts, Is.Empty);
    }
}
