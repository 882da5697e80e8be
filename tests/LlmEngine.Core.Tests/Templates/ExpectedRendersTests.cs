using System.Text.Json;
using LlmEngine.Templates;
using LlmEngine.Tests.Infrastructure;
using NUnit.Framework;

namespace LlmEngine.Tests.Templates;

/// <summary>
/// Every line of templates/expected-renders.jsonl (rendered by @huggingface/jinja with bos_token "&lt;s&gt;" and
/// eos_token "&lt;/s&gt;") must come out byte for byte, or fail with the same message.
/// </summary>
public class ExpectedRendersTests
{
    private const string ExpectedFile = "templates/expected-renders.jsonl";

    public static IEnumerable<TestCaseData> Cases()
    {
        var path = Path.Combine(TestData.Root, ExpectedFile);
        if (!File.Exists(path))
        {
            yield return new TestCaseData(string.Empty, string.Empty).SetName("ExpectedRenders_DataMissing");
            yield break;
        }
        foreach (var line in File.ReadLines(path))
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            using var doc = JsonDocument.Parse(line);
            var template = doc.RootElement.GetProperty("template").GetString()!;
            var conversation = doc.RootElement.GetProperty("conversation").GetString()!;
            yield return new TestCaseData(template, conversation).SetName($"Render({template}, {conversation})");
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void RendersExactly(string template, string conversation)
    {
        var expectedLine = FindExpected(TestData.File(ExpectedFile), template, conversation);
        var source = File.ReadAllText(TestData.File($"templates/{template}"));
        var conv = FindConversation(TestData.File("templates/conversations.json"), conversation);

        var chatTemplate = ChatTemplate.Parse(source);
        string Render() => chatTemplate.Render(
            conv.GetProperty("messages"),
            conv.TryGetProperty("tools", out var tools) ? tools : null,
            !conv.TryGetProperty("add_generation_prompt", out var agp) || agp.GetBoolean(),
            bosToken: "<s>",
            eosToken: "</s>",
            variables: Extra(conv));

        var error = expectedLine.GetProperty("error");
        if (error.ValueKind == JsonValueKind.String)
        {
            var e = Assert.Throws<ChatTemplateException>(() => Render());
            Assert.That(e!.Message, Is.EqualTo(error.GetString()));
        }
        else
        {
            Assert.That(Render(), Is.EqualTo(expectedLine.GetProperty("rendered").GetString()));
        }
    }

    private static Dictionary<string, object?> Extra(JsonElement conversation)
    {
        var extra = new Dictionary<string, object?>();
        if (conversation.TryGetProperty("extra", out var e))
        {
            foreach (var property in e.EnumerateObject())
            {
                extra[property.Name] = property.Value.Clone();
            }
        }
        return extra;
    }

    private static JsonElement FindExpected(string path, string template, string conversation)
    {
        foreach (var line in File.ReadLines(path))
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            var root = JsonDocument.Parse(line).RootElement;
            if (root.GetProperty("template").GetString() == template && root.GetProperty("conversation").GetString() == conversation)
            {
                return root;
            }
        }
        throw new AssertionException($"No expected render for {template} / {conversation}");
    }

    private static JsonElement FindConversation(string path, string name)
    {
        var root = JsonDocument.Parse(File.ReadAllText(path)).RootElement;
        foreach (var conversation in root.EnumerateArray())
        {
            if (conversation.GetProperty("name").GetString() == name)
            {
                return conversation;
            }
        }
        throw new AssertionException($"No conversation named {name}");
    }
}
