using System.Text.Json;
using System.Text.Json.Nodes;
using LlmEngine.Templates;
using LlmEngine.Tests.Infrastructure;
using NUnit.Framework;

namespace LlmEngine.Tests.Templates;

public class ChatTemplateTests
{
    private const string Echo = "{% for m in messages %}[{{ m.role }}:{{ m.content }}]{% endfor %}{{ tools | tojson }}|{{ add_generation_prompt }}|{{ bos_token }}|{{ eos_token is defined }}";

    [Test]
    public void Render_AcceptsJsonElementJsonNodeAndPlainObjects_Alike()
    {
        var template = ChatTemplate.Parse(Echo);
        var fromElement = template.Render(JsonDocument.Parse("""[{"role": "user", "content": "hi"}]""").RootElement, bosToken: "<s>");
        var fromNode = template.Render(JsonNode.Parse("""[{"role": "user", "content": "hi"}]""")!, bosToken: "<s>");
        var fromObjects = template.Render(new[] { new Dictionary<string, object?> { ["role"] = "user", ["content"] = "hi" } }, bosToken: "<s>");
        Assert.That(fromElement, Is.EqualTo("[user:hi]null|True|<s>|False"));
        Assert.That(fromNode, Is.EqualTo(fromElement));
        Assert.That(fromObjects, Is.EqualTo(fromElement));
    }

    [Test]
    public void JsonNumbers_KeepPythonsIntAndFloat()
    {
        var template = ChatTemplate.Parse("{{ v | tojson }} {{ v.a + 1 }} {{ v.b }}");
        var data = new Dictionary<string, object?> { ["v"] = JsonNode.Parse("""{"a": 2, "b": 2.0, "c": 1e3, "d": [true, null]}""") };
        Assert.That(template.RenderTemplate(data), Is.EqualTo("""{"a": 2, "b": 2.0, "c": 1000.0, "d": [true, null]} 3 2.0"""));
    }

    [Test]
    public void Variables_CannotReplaceMessages()
    {
        var template = ChatTemplate.Parse(Echo);
        Assert.Throws<ArgumentException>(() => template.Render(Array.Empty<object>(), variables: new Dictionary<string, object?> { ["messages"] = "x" }));
    }

    [Test]
    public void Messages_MustBeAList()
    {
        Assert.Throws<ArgumentException>(() => ChatTemplate.Parse(Echo).Render("not a list"));
    }

    [Test]
    public void UnsupportedDotNetType_IsAClearError()
    {
        var e = Assert.Throws<ArgumentException>(() => ChatTemplate.Parse("x").RenderTemplate(new Dictionary<string, object?> { ["t"] = new Uri("http://x") }));
        Assert.That(e!.Message, Does.Contain("System.Uri"));
    }

    [TestCase(false, "<|im_start|>assistant\n<think>\n\n</think>\n\n")]
    [TestCase(true, "<|im_start|>assistant\n")]
    public void Qwen3_EnableThinking_ComesFromTemplateVariables(bool enableThinking, string expectedEnd)
    {
        var template = ChatTemplate.Parse(File.ReadAllText(TestData.File("templates/Qwen-Qwen3-0.6B.jinja")));
        var messages = new[] { new Dictionary<string, object?> { ["role"] = "user", ["content"] = "Hi" } };
        var prompt = template.Render(messages, variables: new Dictionary<string, object?> { ["enable_thinking"] = enableThinking });
        Assert.That(prompt, Is.EqualTo("<|im_start|>user\nHi<|im_end|>\n" + expectedEnd));
    }

    [Test]
    public void Qwen3_SplitsReasoningOutOfEarlierAssistantTurns()
    {
        var template = ChatTemplate.Parse(File.ReadAllText(TestData.File("templates/Qwen-Qwen3-0.6B.jinja")));
        var messages = JsonDocument.Parse("""
            [{"role": "user", "content": "1+1?"},
             {"role": "assistant", "content": "<think>\nadd\n</think>\n\n2"},
             {"role": "user", "content": "2+2?"}]
            """).RootElement;
        Assert.That(template.Render(messages), Is.EqualTo(
            "<|im_start|>user\n1+1?<|im_end|>\n<|im_start|>assistant\n2<|im_end|>\n<|im_start|>user\n2+2?<|im_end|>\n<|im_start|>assistant\n"));
    }

    [Test]
    public void StrftimeNow_UsesTheConfiguredClock()
    {
        var clock = new FixedClock(new DateTimeOffset(2024, 7, 26, 9, 5, 3, TimeSpan.Zero));
        var template = ChatTemplate.Parse("{{ strftime_now('%d %b %Y') }}|{{ strftime_now('%Y-%m-%d %H:%M:%S %A %B %j') }}", new ChatTemplateOptions { TimeProvider = clock });
        Assert.That(template.RenderTemplate(new Dictionary<string, object?>()), Is.EqualTo("26 Jul 2024|2024-07-26 09:05:03 Friday July 208"));
    }

    [Test]
    public void Llama32_WithoutDateString_DatesThePromptWithStrftimeNow()
    {
        var clock = new FixedClock(new DateTimeOffset(2025, 1, 2, 0, 0, 0, TimeSpan.Zero));
        var template = ChatTemplate.Parse(File.ReadAllText(TestData.File("templates/meta-llama-Llama-3.2-3B-Instruct.jinja")), new ChatTemplateOptions { TimeProvider = clock });
        var prompt = template.Render(new[] { new Dictionary<string, object?> { ["role"] = "user", ["content"] = "Hi" } }, bosToken: "<s>");
        Assert.That(prompt, Does.Contain("Today Date: 02 Jan 2025\n"));
    }

    [Test]
    public void ManyThreadsRenderingOneTemplate_GetTheSameResult()
    {
        var template = ChatTemplate.Parse(File.ReadAllText(TestData.File("templates/Qwen-Qwen2.5-7B-Instruct.jinja")));
        var messages = new[] { new Dictionary<string, object?> { ["role"] = "user", ["content"] = "Hi" } };
        var expected = template.Render(messages);
        var results = new string[64];
        Parallel.For(0, results.Length, i => results[i] = ChatTemplate.Parse(template.Source).Render(messages));
        Assert.That(results, Is.All.EqualTo(expected));
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;

        public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;
    }
}
