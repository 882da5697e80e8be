using System.Text.Json;
using LlmEngine.Chat;
using LlmEngine.Chat.Mapping;
using LlmEngine.Sampling.Constraints;
using Microsoft.Extensions.AI;
using NUnit.Framework;

namespace LlmEngine.Tests.Chat.Mapping;

public sealed class ChatOptionsMapperTests
{
    private static readonly ChatMessage[] s_messages = [new(ChatRole.User, "Hi")];
    private static readonly AIFunction s_tool = AIFunctionFactory.Create((string city) => city, "get_weather");

    private static ChatRequestPlan Map(ChatOptions? options, LlmEngineChatClientOptions? settings = null, ToolCallFormat templateFormat = ToolCallFormat.Hermes) =>
        ChatOptionsMapper.Map(s_messages, options, settings ?? new LlmEngineChatClientOptions(), "local", templateFormat, new NoClient());

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement;

    [Test]
    public void Maps_the_standard_options()
    {
        var p = Map(new ChatOptions
        {
            Temperature = 0.5f,
            TopP = 0.9f,
            TopK = 40,
            MaxOutputTokens = 100,
            FrequencyPenalty = 0.1f,
            PresencePenalty = 0.2f,
            Seed = 42,
            StopSequences = ["END"],
        }).Parameters;
        Assert.That((p.Temperature, p.TopP, p.TopK, p.MaxTokens, p.FrequencyPenalty, p.PresencePenalty, p.Seed), Is.EqualTo((0.5f, 0.9f, 40, (int?)100, 0.1f, 0.2f, (long?)42)));
        Assert.That(p.Stop, Is.EqualTo(new[] { "END" }));
        Assert.That((p.N, p.OutputKind, p.SkipSpecialTokens), Is.EqualTo((1, RequestOutputKind.Delta, true)));
    }

    [Test]
    public void Maps_vllm_parameters_from_additional_properties_in_clr_and_json_forms()
    {
        var plan = Map(new ChatOptions
        {
            AdditionalProperties = new()
            {
                ["min_p"] = 0.05,
                ["repetition_penalty"] = Json("1.1"),
                ["top_k"] = Json("20"),
                ["min_tokens"] = "3",
                ["stop_token_ids"] = new List<int> { 7, 8 },
                ["ignore_eos"] = true,
                ["logit_bias"] = Json("""{"5": -100, "6": 2.5}"""),
                ["allowed_token_ids"] = Json("[1, 2, 3]"),
                ["bad_words"] = new[] { "darn" },
                ["include_stop_str_in_output"] = Json("true"),
                ["skip_special_tokens"] = false,
                ["top_logprobs"] = 5,
                ["chat_template_kwargs"] = Json("""{"enable_thinking": false, "date_string": "1 Jan 2025"}"""),
                ["add_generation_prompt"] = false,
                ["priority"] = -2L,
            },
        });
        var p = plan.Parameters;
        Assert.That((p.MinP, p.RepetitionPenalty, p.TopK, p.MinTokens, p.IgnoreEos, p.IncludeStopStringInOutput, p.SkipSpecialTokens, p.Logprobs),
            Is.EqualTo((0.05f, 1.1f, 20, 3, true, true, false, (int?)5)));
        Assert.That(p.StopTokenIds, Is.EqualTo(new[] { 7, 8 }));
        Assert.That(p.LogitBias, Is.EquivalentTo(new Dictionary<int, float> { [5] = -100f, [6] = 2.5f }));
        Assert.That(p.AllowedTokenIds, Is.EqualTo(new[] { 1, 2, 3 }));
        Assert.That(p.BadWords, Is.EqualTo(new[] { "darn" }));
        Assert.That(((JsonElement)plan.TemplateVariables["enable_thinking"]!).ValueKind, Is.EqualTo(JsonValueKind.False));
        Assert.That(((JsonElement)plan.TemplateVariables["date_string"]!).GetString(), Is.EqualTo("1 Jan 2025"));
        Assert.That((plan.AddGenerationPrompt, plan.Priority), Is.EqualTo((false, -2)));
    }

    [Test]
    public void Requests_start_from_the_default_parameters_or_the_raw_representation()
    {
        var settings = new LlmEngineChatClientOptions { DefaultParameters = new SamplingParameters { Temperature = 0.7f, TopK = 20 } };
        Assert.That(Map(new ChatOptions { TopK = 5 }, settings).Parameters, Is.EqualTo(new SamplingParameters { Temperature = 0.7f, TopK = 5 }));
        var raw = new ChatOptions { RawRepresentationFactory = _ => new SamplingParameters { MinP = 0.2f }, Temperature = 0 };
        Assert.That(Map(raw, settings).Parameters, Is.EqualTo(new SamplingParameters { MinP = 0.2f, Temperature = 0 }));
    }

    [Test]
    public void Tools_are_offered_and_parsed_unless_tool_mode_is_none()
    {
        var auto = Map(new ChatOptions { Tools = [s_tool] });
        Assert.That((auto.ToolCallFormat, auto.Parameters.SkipSpecialTokens, auto.ToolNames.Single()), Is.EqualTo((ToolCallFormat.Hermes, false, "get_weather")));
        Assert.That(auto.Tools!.ToJsonString(), Does.StartWith("""[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":"""));
        var none = Map(new ChatOptions { Tools = [s_tool], ToolMode = ChatToolMode.None });
        Assert.That((none.Tools, none.ToolCallFormat, none.Parameters.SkipSpecialTokens), Is.EqualTo(((object?)null, ToolCallFormat.None, true)));
        var overridden = Map(new ChatOptions { Tools = [s_tool] }, new LlmEngineChatClientOptions { ToolCallFormat = ToolCallFormat.Mistral });
        Assert.That(overridden.ToolCallFormat, Is.EqualTo(ToolCallFormat.Mistral));
        Assert.That(Map(new ChatOptions { Tools = [s_tool], AllowMultipleToolCalls = false }).AllowMultipleToolCalls, Is.False);
    }

    [Test]
    public void Response_formats_and_required_tools_become_constraints()
    {
        Assert.That(Map(null).OutputConstraint, Is.Null);
        Assert.That(Map(new ChatOptions { ResponseFormat = ChatResponseFormat.Text }).OutputConstraint, Is.Null);
        Assert.That(Map(new ChatOptions { ResponseFormat = ChatResponseFormat.Json }).OutputConstraint, Is.EqualTo(new JsonObjectConstraint()));
        Assert.That(Map(new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(Json("""{"type": "object"}"""), "Answer") }).OutputConstraint,
            Is.EqualTo(new JsonSchemaConstraint("""{"type": "object"}""")));
        var any = Map(new ChatOptions { Tools = [s_tool], ToolMode = ChatToolMode.RequireAny });
        Assert.That((any.ToolCallRequired, any.RequiredToolName, any.OutputConstraint), Is.EqualTo((true, (string?)null, (ConstraintSpec?)null)));
        var named = Map(new ChatOptions { Tools = [s_tool], ToolMode = ChatToolMode.RequireSpecific("get_weather") });
        Assert.That((named.ToolCallRequired, named.RequiredToolName), Is.EqualTo((true, "get_weather")));
        Assert.That(Map(new ChatOptions { Tools = [s_tool] }).ToolCallRequired, Is.False);
        Assert.That(() => Map(new ChatOptions { Tools = [s_tool], ToolMode = ChatToolMode.RequireAny, ResponseFormat = ChatResponseFormat.Json }),
            Throws.ArgumentException.With.Message.Contains("only be constrained one way"));
    }

    [Test]
    public void Reasoning_options_switch_thinking_and_request_kwargs_override_defaults()
    {
        var settings = new LlmEngineChatClientOptions { DefaultChatTemplateKwargs = { ["enable_thinking"] = true, ["date_string"] = "x" } };
        Assert.That(Map(new ChatOptions { Reasoning = new ReasoningOptions { Effort = ReasoningEffort.None } }, settings).TemplateVariables["enable_thinking"], Is.EqualTo(false));
        Assert.That(Map(new ChatOptions { Reasoning = new ReasoningOptions { Effort = ReasoningEffort.Low } }).TemplateVariables["enable_thinking"], Is.EqualTo(true));
        var plan = Map(new ChatOptions { Reasoning = new ReasoningOptions { Output = ReasoningOutput.None }, AdditionalProperties = new() { ["chat_template_kwargs"] = new Dictionary<string, object?> { ["date_string"] = "y" } } }, settings);
        Assert.That(plan.TemplateVariables, Is.EquivalentTo(new Dictionary<string, object?> { ["enable_thinking"] = true, ["date_string"] = "y" }));
        Assert.That(plan.EmitReasoning, Is.False);
    }

    private sealed class NoClient : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
