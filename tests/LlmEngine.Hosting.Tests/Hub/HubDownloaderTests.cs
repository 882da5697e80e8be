using LlmEngine.Models;
using LlmEngine.Models.Hub;
using NUnit.Framework;

namespace LlmEngine.Hosting.Tests.Hub;

/// <summary>
/// Downloads from a fake Hugging Face Hub on 127.0.0.1 into a temporary cache: the cache layout, reuse without the
/// network, offline mode, resume, checksums, errors and quantisation tags.
/// </summary>
[TestFixture]
public sealed class HubDownloaderTests
{
    private const string GgufRepo = "tiny/tiny-llama-256-GGUF";
    private const string HfRepo = "tiny/tiny-qwen2";
    private DirectoryInfo _cache = null!;

    [SetUp]
    public void CreateCache() => _cache = Directory.CreateTempSubdirectory("llmengine-hub-");

    [TearDown]
    public void DeleteCache() => _cache.Delete(recursive: true);

    [Test]
    public async Task DownloadsTheTaggedGgufIntoTheHuggingFaceCacheLayout()
    {
        await using var hub = await FakeHub.StartAsync(GgufRepository());
        var progress = new List<HubDownloadProgress>();
        using var downloader = Downloader(hub);

        var snapshot = await downloader.DownloadAsync(new HubModelReference(GgufRepo, "Q8_0"), new SyncProgress(progress.Add));

        var repo = Path.Combine(_cache.FullName, "models--tiny--tiny-llama-256-GGUF");
        var source = File.ReadAllBytes(TestData.File("quant/tiny-llama-256.q8_0.gguf"));
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(source));
        Assert.That(snapshot.ModelPath, Is.EqualTo(Path.Combine(repo, "snapshots", snapshot.Commit, "tiny-llama-256.q8_0.gguf")));
        Assert.That(File.ReadAllText(Path.Combine(repo, "refs", "main")), Is.EqualTo(snapshot.Commit));
        Assert.That(new FileInfo(snapshot.ModelPath).LinkTarget, Is.EqualTo(Path.Combine("..", "..", "blobs", sha)), "a relative link to the blob named by its sha256");
        Assert.That(File.ReadAllBytes(Path.Combine(repo, "blobs", sha)), Is.EqualTo(source));
        Assert.That(Directory.GetFiles(Path.Combine(repo, "blobs"), "*.incomplete"), Is.Empty);
        Assert.That(snapshot.DownloadedFiles, Is.EqualTo(1));
        Assert.That(progress[^1], Is.EqualTo(new HubDownloadProgress("tiny-llama-256.q8_0.gguf", source.Length, source.Length)));
        Assert.That(hub.RequestsTo("q4_k_m").Concat(hub.RequestsTo("README")), Is.Empty, "only the chosen file is fetched");
        using var model = ModelLoader.Load(snapshot.ModelPath);
        Assert.That(model.Config.Architecture, Is.EqualTo("llama"));
    }

    [Test]
    public async Task WithoutATagTakesQ4KMAndSaysSo()
    {
        await using var hub = await FakeHub.StartAsync(GgufRepository());
        using var downloader = Downloader(hub);

        var snapshot = await downloader.DownloadAsync(new HubModelReference(GgufRepo));

        Assert.That(Path.GetFileName(snapshot.ModelPath), Is.EqualTo("tiny-llama-256.q4_k_m.gguf"));
        Assert.That(snapshot.Notes, Has.Some.Contains("Q4_K_M").And.Some.Contains("tiny-llama-256.q8_0.gguf"));
    }

    [Test]
    public async Task AnUnknownTagListsTheAvailableFiles()
    {
        await using var hub = await FakeHub.StartAsync(GgufRepository());
        using var downloader = Downloader(hub);

        var error = await Assert.ThrowsAsync<HubException>(() => downloader.DownloadAsync(new HubModelReference(GgufRepo, "IQ2_XXS")));

        Assert.That(error!.Message, Does.Contain("IQ2_XXS").And.Contain("tiny-llama-256.q8_0.gguf").And.Contain("tiny-llama-256.q4_k_m.gguf"));
    }

    [Test]
    public async Task DownloadsATransformersModelThatLoadsFromItsSnapshotFolder()
    {
        await using var hub = await FakeHub.StartAsync(TransformersRepository());
        using var downloader = Downloader(hub);

        var snapshot = await downloader.DownloadAsync(new HubModelReference(HfRepo));

        Assert.That(snapshot.ModelPath, Does.EndWith(Path.Combine("snapshots", snapshot.Commit)));
        Assert.That(Directory.GetFiles(snapshot.ModelPath).Select(Path.GetFileName), Is.EquivalentTo(new[]
        {
            "config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json",
            "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors", "model.safetensors.index.json",
        }), "no README");
        var etag = new FileInfo(Path.Combine(snapshot.ModelPath, "config.json")).LinkTarget;
        Assert.That(Path.GetFileName(etag), Has.Length.EqualTo(40), "a git file's blob is named by its git sha1");
        using var model = ModelLoader.Load(snapshot.ModelPath);
        Assert.That(model.Format, Is.EqualTo(ModelFormat.HuggingFace));
        Assert.That(model.Config.Architecture, Is.EqualTo("qwen2"));
    }

    [Test]
    public async Task TheNextStartReusesTheCacheWithTheHubDown()
    {
        HubSnapshot first;
        await using (var hub = await FakeHub.StartAsync(TransformersRepository()))
        {
            using var downloader = Downloader(hub);
            first = await downloader.DownloadAsync(new HubModelReference(HfRepo));
            var before = hub.Requests.Count;

            var again = await downloader.DownloadAsync(new HubModelReference(HfRepo));
            Assert.That(again.DownloadedFiles, Is.EqualTo(0));
            Assert.That(again.ModelPath, Is.EqualTo(first.ModelPath));
            Assert.That(hub.Requests.Skip(before).Select(r => r.Path), Is.EqualTo(new[] { $"/api/models/{HfRepo}/revision/main" }),
                "online and cached: one revision lookup, no file requests");
        }

        var endpoint = new Uri("http://127.0.0.1:" + FreePort());
        using var offline = new HubDownloader(new HubOptions { Endpoint = endpoint, CacheDirectory = _cache.FullName });
        var reused = await offline.DownloadAsync(new HubModelReference(HfRepo));

        Assert.That(reused.ModelPath, Is.EqualTo(first.ModelPath));
        Assert.That(reused.Notes, Has.Some.Contains("cannot be reached").And.Some.Contains("cached snapshot"));
        using var model = ModelLoader.Load(reused.ModelPath);
    }

    [Test]
    public async Task OfflineModeUsesOnlyTheCache()
    {
        await using var hub = await FakeHub.StartAsync(GgufRepository());
        using (var online = Downloader(hub))
        {
            await online.DownloadAsync(new HubModelReference(GgufRepo, "q4_0"));
        }
        var before = hub.Requests.Count;
        using var offline = Downloader(hub, offline: true);

        var snapshot = await offline.DownloadAsync(new HubModelReference(GgufRepo, "Q4_0"));
        Assert.That(Path.GetFileName(snapshot.ModelPath), Is.EqualTo("tiny-llama-256.q4_0.gguf"));
        Assert.That(snapshot.Notes, Has.Some.Contains("HF_HUB_OFFLINE"));

        var notCached = await Assert.ThrowsAsync<HubException>(() => offline.DownloadAsync(new HubModelReference(GgufRepo, "Q8_0")));
        Assert.That(notCached!.Message, Does.Contain("Q8_0").And.Contain("tiny-llama-256.q4_0.gguf"));

        var absent = await Assert.ThrowsAsync<HubException>(() => offline.DownloadAsync(new HubModelReference("other/model")));
        Assert.That(absent!.Message, Does.Contain("other/model").And.Contain(Path.Combine(_cache.FullName, "models--other--model")).And.Contain("HF_HUB_OFFLINE"));
        Assert.That(hub.Requests.Count, Is.EqualTo(before), "offline touches no network");
    }

    [Test]
    public async Task ResumesAHalfDownloadedFileWithARangeRequest()
    {
        var repo = GgufRepository();
        var file = repo.Files.Single(f => f.Path.EndsWith("q8_0.gguf", StringComparison.Ordinal));
        var blobs = Directory.CreateDirectory(Path.Combine(_cache.FullName, "models--tiny--tiny-llama-256-GGUF", "blobs"));
        var half = file.Content.Length / 2;
        File.WriteAllBytes(Path.Combine(blobs.FullName, file.Sha256 + ".incomplete"), file.Content[..half]);
        await using var hub = await FakeHub.StartAsync(repo);
        var progress = new List<HubDownloadProgress>();
        using var downloader = Downloader(hub);

        var snapshot = await downloader.DownloadAsync(new HubModelReference(GgufRepo, "Q8_0"), new SyncProgress(progress.Add));

        var storage = hub.RequestsTo("/cdn/").Where(r => r.Method == "GET").ToList();
        Assert.That(storage.Select(r => r.Range), Is.EqualTo(new[] { $"bytes={half}-" }));
        Assert.That(progress[0].BytesDownloaded, Is.EqualTo(half), "progress starts where the partial file ends");
        Assert.That(File.ReadAllBytes(snapshot.ModelPath), Is.EqualTo(file.Content));
        Assert.That(File.Exists(Path.Combine(blobs.FullName, file.Sha256 + ".incomplete")), Is.False);
    }

    [Test]
    public async Task AChecksumMismatchDeletesTheDownloadAndFails()
    {
        var repo = GgufRepository();
        repo.Corrupt.Add("tiny-llama-256.q8_0.gguf");
        await using var hub = await FakeHub.StartAsync(repo);
        using var downloader = Downloader(hub);

        var error = await Assert.ThrowsAsync<HubException>(() => downloader.DownloadAsync(new HubModelReference(GgufRepo, "Q8_0")));

        Assert.That(error!.Message, Does.Contain("checksum").And.Contain("tiny-llama-256.q8_0.gguf").And.Contain("sha256"));
        var folder = Path.Combine(_cache.FullName, "models--tiny--tiny-llama-256-GGUF");
        Assert.That(Directory.GetFiles(Path.Combine(folder, "blobs")), Is.Empty, "neither the blob nor the .incomplete file is kept");
        Assert.That(Directory.Exists(Path.Combine(folder, "snapshots")), Is.False);
        Assert.That(File.Exists(Path.Combine(folder, "refs", "main")), Is.False);
    }

    [Test]
    public async Task AnUnknownRepositoryIsA404NamingIt()
    {
        await using var hub = await FakeHub.StartAsync(GgufRepository());
        using var downloader = Downloader(hub);

        var error = await Assert.ThrowsAsync<HubException>(() => downloader.DownloadAsync(new HubModelReference("nobody/nothing")));

        Assert.That(error!.StatusCode, Is.EqualTo(404));
        Assert.That(error.Message, Does.Contain("nobody/nothing").And.Contain("not found"));
    }

    [Test]
    public async Task APrivateRepositoryNeedsHfToken()
    {
        var repo = new FakeRepo("me/private", FakeFile.FromTestData("stories260K.gguf", "stories260K.gguf")) { Token = "hf_secret" };
        await using var hub = await FakeHub.StartAsync(repo);

        using (var anonymous = Downloader(hub))
        {
            var error = await Assert.ThrowsAsync<HubException>(() => anonymous.DownloadAsync(new HubModelReference("me/private")));
            Assert.That(error!.StatusCode, Is.EqualTo(401));
            Assert.That(error.Message, Does.Contain("me/private").And.Contain("HF_TOKEN"));
        }
        using (var wrong = Downloader(hub, token: "hf_wrong"))
        {
            var error = await Assert.ThrowsAsync<HubException>(() => wrong.DownloadAsync(new HubModelReference("me/private")));
            Assert.That(error!.Message, Does.Contain("token in HF_TOKEN was refused"));
        }
        using var authorized = Downloader(hub, token: "hf_secret");
        var snapshot = await authorized.DownloadAsync(new HubModelReference("me/private"));

        Assert.That(File.ReadAllBytes(snapshot.ModelPath), Is.EqualTo(repo.Files[0].Content));
        Assert.That(hub.Requests.Where(r => !r.Path.StartsWith("/cdn/", StringComparison.Ordinal)).Select(r => r.Authorization), Has.Some.EqualTo("Bearer hf_secret"));
    }

    [Test]
    public async Task AGatedRepositorySaysToAcceptItsConditionsAndSetHfToken()
    {
        await using var hub = await FakeHub.StartAsync(new FakeRepo("meta/gated", FakeFile.Text("config.json", "{}")) { Gated = true });
        using var downloader = Downloader(hub, token: "hf_any");

        var error = await Assert.ThrowsAsync<HubException>(() => downloader.DownloadAsync(new HubModelReference("meta/gated")));

        Assert.That(error!.StatusCode, Is.EqualTo(403));
        Assert.That(error.Message, Does.Contain("gated").And.Contain("HF_TOKEN").And.Contain(new Uri(hub.Endpoint, "meta/gated").ToString()));
    }

    internal static FakeRepo GgufRepository() => new(GgufRepo,
        FakeFile.Text("README.md", "# tiny-llama-256 in four quantisations\n"),
        FakeFile.FromTestData("tiny-llama-256.q4_0.gguf", "quant/tiny-llama-256.q4_0.gguf"),
        FakeFile.FromTestData("tiny-llama-256.q4_k_m.gguf", "quant/tiny-llama-256.q4_k_m.gguf"),
        FakeFile.FromTestData("tiny-llama-256.q8_0.gguf", "quant/tiny-llama-256.q8_0.gguf"));

    private static FakeRepo TransformersRepository()
    {
        var folder = TestData.Directory("archs/hf/tiny-qwen2");
        var files = Directory.GetFiles(folder).Select(f => FakeFile.FromTestData(Path.GetFileName(f), Path.Combine("archs/hf/tiny-qwen2", Path.GetFileName(f)))).ToList();
        files.Add(FakeFile.Text("README.md", "# tiny-qwen2\n"));
        return new FakeRepo(HfRepo, [.. files]);
    }

    private HubDownloader Downloader(FakeHub hub, bool offline = false, string? token = null) =>
        new(new HubOptions { Endpoint = hub.Endpoint, CacheDirectory = _cache.FullName, Offline = offline, Token = token });

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Reports on the caller's thread (Progress&lt;T&gt; posts them asynchronously, out of order).</summary>
    private sealed class SyncProgress(Action<HubDownloadProgress> report) : IProgress<HubDownloadProgress>
    {
        public void Report(HubDownloadProgress value) => report(value);
    }
}
