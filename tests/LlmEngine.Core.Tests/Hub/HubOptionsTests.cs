using LlmEngine.Models.Hub;
using NUnit.Framework;

namespace LlmEngine.Tests.Hub;

/// <summary><see cref="HubOptions.FromEnvironment"/> reads huggingface_hub's variables.</summary>
[TestFixture]
[NonParallelizable]
public sealed class HubOptionsTests
{
    private static readonly string[] s_variables = ["HF_HOME", "HF_HUB_CACHE", "HF_ENDPOINT", "HF_TOKEN", "HF_TOKEN_PATH", "HF_HUB_OFFLINE"];
    private readonly Dictionary<string, string?> _saved = [];
    private DirectoryInfo _home = null!;

    [SetUp]
    public void SaveEnvironment()
    {
        foreach (var name in s_variables)
        {
            _saved[name] = Environment.GetEnvironmentVariable(name);
            Environment.SetEnvironmentVariable(name, null);
        }
        _home = Directory.CreateTempSubdirectory("llmengine-hfhome-");
    }

    [TearDown]
    public void RestoreEnvironment()
    {
        foreach (var (name, value) in _saved)
        {
            Environment.SetEnvironmentVariable(name, value);
        }
        _home.Delete(recursive: true);
    }

    [Test]
    public void HfHomeGivesTheCacheAndTheTokenFile()
    {
        Environment.SetEnvironmentVariable("HF_HOME", _home.FullName);
        File.WriteAllText(Path.Combine(_home.FullName, "token"), "hf_fromfile\n");

        var options = HubOptions.FromEnvironment();

        Assert.That(options.CacheDirectory, Is.EqualTo(Path.Combine(_home.FullName, "hub")));
        Assert.That(options.Token, Is.EqualTo("hf_fromfile"));
        Assert.That(options.Endpoint, Is.EqualTo(new Uri("https://huggingface.co")));
        Assert.That(options.Offline, Is.False);
    }

    [Test]
    public void ExplicitVariablesWin()
    {
        Environment.SetEnvironmentVariable("HF_HOME", _home.FullName);
        File.WriteAllText(Path.Combine(_home.FullName, "token"), "hf_fromfile");
        Environment.SetEnvironmentVariable("HF_HUB_CACHE", Path.Combine(_home.FullName, "elsewhere"));
        Environment.SetEnvironmentVariable("HF_TOKEN", "hf_env");
        Environment.SetEnvironmentVariable("HF_ENDPOINT", "https://hf-mirror.example/");
        Environment.SetEnvironmentVariable("HF_HUB_OFFLINE", "1");

        var options = HubOptions.FromEnvironment();

        Assert.That(options.CacheDirectory, Is.EqualTo(Path.Combine(_home.FullName, "elsewhere")));
        Assert.That(options.Token, Is.EqualTo("hf_env"));
        Assert.That(options.Endpoint, Is.EqualTo(new Uri("https://hf-mirror.example")));
        Assert.That(options.Offline, Is.True);
    }

    [TestCase("true", true)]
    [TestCase("YES", true)]
    [TestCase("0", false)]
    [TestCase("", false)]
    public void OfflineAcceptsHuggingfaceHubsSpellings(string value, bool offline)
    {
        Environment.SetEnvironmentVariable("HF_HUB_OFFLINE", value);

        Assert.That(HubOptions.FromEnvironment().Offline, Is.EqualTo(offline));
    }
}
