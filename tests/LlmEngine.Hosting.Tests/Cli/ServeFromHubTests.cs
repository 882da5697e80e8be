using LlmEngine.Cli.Commands;
using LlmEngine.Hosting.Tests.Hub;
using LlmEngine.Hosting.Tests.Infrastructure;
using NUnit.Framework;

namespace LlmEngine.Hosting.Tests.Cli;

/// <summary>
/// <c>llmengine serve org/name</c> against a fake hub: the model is downloaded into <c>$HF_HOME/hub</c>, served under
/// the repo id, and served again from the cache, offline, on the next start.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class ServeFromHubTests
{
    private const string Repo = "tiny/stories260K-GGUF";
    private static readonly string[] s_variables = ["HF_HOME", "HF_HUB_CACHE", "HF_ENDPOINT", "HF_TOKEN", "HF_TOKEN_PATH", "HF_HUB_OFFLINE"];
    private readonly Dictionary<string, string?> _saved = [];
    private DirectoryInfo _home = null!;

    [SetUp]
    public void IsolateTheHuggingFaceEnvironment()
    {
        foreach (var name in s_variables)
        {
            _saved[name] = Environment.GetEnvironmentVariable(name);
            Environment.SetEnvironmentVariable(name, null);
        }
        _home = Directory.CreateTempSubdirectory("llmengine-serve-hub-");
        Environment.SetEnvironmentVariable("HF_HOME", _home.FullName);
    }

    [TearDown]
    public void RestoreTheEnvironment()
    {
        foreach (var (name, value) in _saved)
        {
            Environment.SetEnvironmentVariable(name, value);
        }
        _home.Delete(recursive: true);
    }

    [Test]
    public async Task ServesARepoIdDownloadedIntoHfHomeThenFromTheCacheOffline()
    {
        await using (var hub = await FakeHub.StartAsync(new FakeRepo(Repo, FakeFile.FromTestData("stories260K-F32.gguf", "stories260K.gguf"))))
        {
            Environment.SetEnvironmentVariable("HF_ENDPOINT", hub.Endpoint.ToString());
            var log = await ServeAndCompleteAsync();

            Assert.That(log, Does.Contain($"{Repo}: fetching from {hub.Endpoint.ToString().TrimEnd('/')}"));
            Assert.That(log, Does.Contain("downloaded 1 of 1 files"));
            Assert.That(log, Does.Contain($"serving {Repo} at http://127.0.0.1:"));
            Assert.That(Directory.GetFiles(Path.Combine(_home.FullName, "hub", "models--tiny--stories260K-GGUF", "blobs")), Has.Length.EqualTo(1));
        }

        Environment.SetEnvironmentVariable("HF_HUB_OFFLINE", "1");
        var offline = await ServeAndCompleteAsync();
        Assert.That(offline, Does.Contain("all files cached").And.Contain("offline"));
    }

    [Test]
    public async Task AModelMissingFromTheCacheOfflineFailsWithExitCode2()
    {
        Environment.SetEnvironmentVariable("HF_HUB_OFFLINE", "1");
        var log = new StringWriter();

        var code = await ServeCommand.RunAsync(new ServeSettings { Host = "127.0.0.1", Port = 0, Model = "org/absent" }, log, CancellationToken.None);

        Assert.That(code, Is.EqualTo(2));
        Assert.That(log.ToString(), Does.Contain("error: ").And.Contain("org/absent").And.Contain(Path.Combine(_home.FullName, "hub")));
    }

    private static async Task<string> ServeAndCompleteAsync()
    {
        using var stop = new CancellationTokenSource();
        var address = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var log = new StringWriter();
        var settings = new ServeSettings { Host = "127.0.0.1", Port = 0, Threads = 1, KVCacheMemoryBytes = 16L * 1024 * 1024, Model = Repo };
        var run = ServeCommand.RunAsync(settings, log, stop.Token, address.SetResult);
        var started = await Task.WhenAny(address.Task, run);
        Assert.That(started, Is.SameAs(address.Task), log.ToString());

        using var client = new HttpClient { BaseAddress = await address.Task };
        var (status, models) = await Http.GetAsync(client, "/v1/models");
        Assert.That(status, Is.EqualTo(200));
        Assert.That((string?)models!["data"]![0]!["id"], Is.EqualTo(Repo), "served under the repo id, as vLLM does");
        var (_, body) = await Http.PostAsync(client, "/v1/completions", $$"""{"model":"{{Repo}}","prompt":"Once upon a time","max_tokens":12,"temperature":0}""");
        Assert.That((string?)body!["choices"]![0]!["text"], Does.StartWith(Stories.GreedyContinuation), body.ToJsonString());

        await stop.CancelAsync();
        Assert.That(await run, Is.EqualTo(0));
        return log.ToString();
    }
}
