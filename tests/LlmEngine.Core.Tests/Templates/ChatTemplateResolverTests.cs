using LlmEngine.Templates;
using LlmEngine.Tests.Infrastructure;
using NUnit.Framework;

namespace LlmEngine.Tests.Templates;

public class ChatTemplateResolverTests
{
    private string _dir = null!;

    [SetUp]
    public void CreateFolder()
    {
        _dir = Path.Combine(Path.GetTempPath(), "llmengine-templates-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void ExplicitText_WinsOverEverything()
    {
        WriteConfig("""{"chat_template": "from config"}""");
        var resolver = new ChatTemplateResolver { ExplicitTemplate = "{{ 'explicit' }}", ModelDirectory = _dir, GgufMetadata = _ => "gguf" };
        var source = resolver.ResolveSource(hasTools: false);
        Assert.That(source.Text, Is.EqualTo("{{ 'explicit' }}"));
        Assert.That(resolver.Resolve(false).Render(Array.Empty<object>()), Is.EqualTo("explicit"));
    }

    [Test]
    public void ExplicitPath_IsRead()
    {
        var file = Path.Combine(_dir, "mine.jinja");
        File.WriteAllText(file, "file template");
        var source = new ChatTemplateResolver { ExplicitTemplate = file }.ResolveSource(false);
        Assert.That(source.Text, Is.EqualTo("file template"));
        Assert.That(source.Origin, Is.EqualTo(file));
    }

    [Test]
    public void ExplicitPathThatDoesNotExist_IsAClearError()
    {
        var missing = Path.Combine(_dir, "missing.jinja");
        var e = Assert.Throws<ChatTemplateException>(() => new ChatTemplateResolver { ExplicitTemplate = missing }.ResolveSource(false));
        Assert.That(e!.Message, Does.Contain(missing).And.Contain("not found"));
    }

    [Test]
    public void TokenizerConfigString_IsUsed()
    {
        WriteConfig("""{"bos_token": "<s>", "chat_template": "config {{ messages | length }}"}""");
        var source = new ChatTemplateResolver { ModelDirectory = _dir, GgufMetadata = _ => "gguf" }.ResolveSource(false);
        Assert.That(source.Text, Is.EqualTo("config {{ messages | length }}"));
        Assert.That(source.Origin, Does.Contain("tokenizer_config.json"));
    }

    [TestCase(true, "tools")]
    [TestCase(false, "plain")]
    public void TokenizerConfigList_PicksToolUseWhenToolsAreGiven(bool hasTools, string expected)
    {
        WriteConfig("""{"chat_template": [{"name": "default", "template": "plain"}, {"name": "tool_use", "template": "tools"}]}""");
        Assert.That(new ChatTemplateResolver { ModelDirectory = _dir }.ResolveSource(hasTools).Text, Is.EqualTo(expected));
    }

    [Test]
    public void TokenizerConfigList_WithoutDefault_IsAClearError()
    {
        WriteConfig("""{"chat_template": [{"name": "rag", "template": "x"}]}""");
        var e = Assert.Throws<ChatTemplateException>(() => new ChatTemplateResolver { ModelDirectory = _dir }.ResolveSource(false));
        Assert.That(e!.Message, Does.Contain("rag").And.Contain("default"));
    }

    [Test]
    public void ChatTemplateJinjaFile_WinsOverTokenizerConfig()
    {
        WriteConfig("""{"chat_template": "config"}""");
        File.WriteAllText(Path.Combine(_dir, "chat_template.jinja"), "separate file");
        Assert.That(new ChatTemplateResolver { ModelDirectory = _dir }.ResolveSource(false).Text, Is.EqualTo("separate file"));
    }

    [TestCase(true, "gguf tools")]
    [TestCase(false, "gguf plain")]
    public void Gguf_IsTheLastSource_AndPrefersToolUseWithTools(bool hasTools, string expected)
    {
        WriteConfig("""{"bos_token": "<s>"}""");
        var metadata = new Dictionary<string, string>
        {
            ["tokenizer.chat_template"] = "gguf plain",
            ["tokenizer.chat_template.tool_use"] = "gguf tools",
        };
        var resolver = new ChatTemplateResolver { ModelDirectory = _dir, GgufMetadata = key => metadata.GetValueOrDefault(key) };
        Assert.That(resolver.ResolveSource(hasTools).Text, Is.EqualTo(expected));
    }

    [Test]
    public void NoTemplateAnywhere_TellsTheUserToPassOne()
    {
        WriteConfig("""{"bos_token": "<s>"}""");
        var resolver = new ChatTemplateResolver { ModelDirectory = _dir, GgufMetadata = _ => null, GgufDescription = "model.gguf" };
        var e = Assert.Throws<ChatTemplateException>(() => resolver.ResolveSource(false));
        Assert.That(e!.Message, Does.Contain("no chat template").And.Contain("--chat-template").And.Contain("model.gguf"));
    }

    [Test]
    public void RealHuggingFaceFolder_ResolvesItsTokenizerConfigTemplate()
    {
        var folder = TestData.Directory("archs/hf/tiny-qwen2");
        var source = new ChatTemplateResolver { ModelDirectory = folder }.ResolveSource(hasTools: false);
        Assert.That(source.Text, Is.EqualTo(File.ReadAllText(TestData.File("templates/Qwen-Qwen2.5-7B-Instruct.jinja"))));
        Assert.That(source.Origin, Does.Contain("tokenizer_config.json"));
    }

    private void WriteConfig(string json) => File.WriteAllText(Path.Combine(_dir, "tokenizer_config.json"), json);
}
