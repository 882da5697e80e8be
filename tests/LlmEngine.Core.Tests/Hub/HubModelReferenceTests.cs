using LlmEngine.Models.Hub;
using NUnit.Framework;

namespace LlmEngine.Tests.Hub;

/// <summary>Telling a Hugging Face repo id (<c>org/name[:TAG]</c>) from a local path.</summary>
[TestFixture]
public sealed class HubModelReferenceTests
{
    [TestCase("Qwen/Qwen2.5-0.5B-Instruct", "Qwen/Qwen2.5-0.5B-Instruct", null)]
    [TestCase("bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M", "bartowski/Llama-3.2-1B-Instruct-GGUF", "Q4_K_M")]
    [TestCase("org/name.v2:q8_0", "org/name.v2", "q8_0")]
    public void ReadsRepoIdsAndTags(string text, string repo, string? tag)
    {
        Assert.That(HubModelReference.TryParse(text, out var reference), Is.True);
        Assert.That(reference!.RepoId, Is.EqualTo(repo));
        Assert.That(reference.Quantization, Is.EqualTo(tag));
        Assert.That(reference.Revision, Is.EqualTo("main"));
        Assert.That(reference.ToString(), Is.EqualTo(text));
    }

    [TestCase("model.gguf")]
    [TestCase("models/model.gguf")]
    [TestCase("./org/name")]
    [TestCase("/models/org")]
    [TestCase("~/models")]
    [TestCase("a/b/c")]
    [TestCase("org/")]
    [TestCase("org/na me")]
    [TestCase("C:\\models\\x")]
    [TestCase("org/name:")]
    public void PathsAreNotRepoIds(string text) => Assert.That(HubModelReference.TryParse(text, out _), Is.False);

    [Test]
    [NonParallelizable]
    public void AnExistingFolderIsAPathEvenWhenItLooksLikeARepoId()
    {
        var root = Directory.CreateTempSubdirectory("llmengine-ref-");
        var previous = Environment.CurrentDirectory;
        try
        {
            Directory.CreateDirectory(Path.Combine(root.FullName, "org", "name"));
            Environment.CurrentDirectory = root.FullName;
            Assert.That(HubModelReference.TryParse("org/name", out _), Is.False);
        }
        finally
        {
            Environment.CurrentDirectory = previous;
            root.Delete(recursive: true);
        }
    }
}
