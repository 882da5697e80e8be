using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlmEngine.Hosting.Tests.Hub;

/// <summary>
/// A Hugging Face Hub on 127.0.0.1 speaking the part of its protocol a download uses: the revision API, HEAD and GET
/// on resolve URLs (LFS files answer 302 to a storage URL with <c>X-Linked-Etag</c> / <c>X-Linked-Size</c>, git files
/// 200 with their git blob sha1 as ETag), storage that honours <c>Range</c>, tokens, gated repositories, and files
/// served corrupted on demand. Every request is recorded.
/// </summary>
internal sealed class FakeHub : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, FakeRepo> _repos = new(StringComparer.Ordinal);

    private FakeHub(WebApplication app) => _app = app;

    public Uri Endpoint { get; private set; } = null!;

    public ConcurrentQueue<FakeHubRequest> Requests { get; } = new();

    public static async Task<FakeHub> StartAsync(params FakeRepo[] repos)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var hub = new FakeHub(app);
        foreach (var repo in repos)
        {
            hub._repos[repo.Id] = repo;
        }
        app.Use(async (context, next) =>
        {
            var request = context.Request;
            hub.Requests.Enqueue(new FakeHubRequest(request.Method, request.Path.Value ?? "", request.Headers.Range.ToString(), request.Headers.Authorization.ToString()));
            await next(context);
        });
        app.MapGet("/api/models/{org}/{name}/revision/{revision}", (string org, string name, string revision, HttpContext context) =>
            hub.Find(org, name, revision, context, out var repo) ?? Results.Json(new
            {
                id = repo!.Id,
                sha = repo.Commit,
                siblings = repo.Files.Select(f => new { rfilename = f.Path }),
            }));
        app.MapMethods("/{org}/{name}/resolve/{revision}/{**path}", ["GET", "HEAD"], (string org, string name, string revision, string path, HttpContext context) =>
            hub.Resolve(org, name, revision, path, context));
        app.MapGet("/cdn/{org}/{name}/{sha}", (string org, string name, string sha) =>
        {
            var repo = hub._repos.GetValueOrDefault(org + "/" + name);
            var file = repo?.Files.FirstOrDefault(f => f.Sha256 == sha);
            if (file is null)
            {
                return Results.NotFound();
            }
            var bytes = file.Content;
            if (repo!.Corrupt.Contains(file.Path))
            {
                bytes = (byte[])bytes.Clone();
                bytes[bytes.Length / 2] ^= 0x5A;
            }
            return Results.Bytes(bytes, "application/octet-stream", enableRangeProcessing: true);
        });
        await app.StartAsync();
        hub.Endpoint = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return hub;
    }

    public IEnumerable<FakeHubRequest> RequestsTo(string pathPart) => Requests.Where(r => r.Path.Contains(pathPart, StringComparison.Ordinal));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private IResult? Find(string org, string name, string revision, HttpContext context, out FakeRepo? repo)
    {
        repo = _repos.GetValueOrDefault(org + "/" + name);
        if (repo is null)
        {
            return Error(context, 404, "RepoNotFound");
        }
        if (repo.Gated)
        {
            return Error(context, 403, "GatedRepo");
        }
        if (repo.Token is { } token && context.Request.Headers.Authorization.ToString() != "Bearer " + token)
        {
            // The real hub answers 401 for a private repository and a missing one alike.
            return Error(context, 401, "RepoNotFound");
        }
        if (revision != "main" && revision != repo.Commit)
        {
            return Error(context, 404, "RevisionNotFound");
        }
        return null;
    }

    private IResult Resolve(string org, string name, string revision, string path, HttpContext context)
    {
        if (Find(org, name, revision, context, out var repo) is { } refused)
        {
            return refused;
        }
        var file = repo!.Files.FirstOrDefault(f => f.Path == path);
        if (file is null)
        {
            return Error(context, 404, "EntryNotFound");
        }
        var headers = context.Response.Headers;
        headers["X-Repo-Commit"] = repo.Commit;
        if (file.Lfs)
        {
            headers["X-Linked-Etag"] = $"\"{file.Sha256}\"";
            headers["X-Linked-Size"] = file.Content.Length.ToString(CultureInfo.InvariantCulture);
            headers.ETag = $"\"{file.Sha256}\"";
            return Results.Redirect(new Uri(Endpoint, $"cdn/{repo.Id}/{file.Sha256}").ToString());
        }
        headers.ETag = $"W/\"{file.GitSha1}\"";
        if (HttpMethods.IsHead(context.Request.Method))
        {
            context.Response.ContentLength = file.Content.Length;
            return Results.Empty;
        }
        return Results.Bytes(file.Content, "application/octet-stream");
    }

    private static IResult Error(HttpContext context, int status, string code)
    {
        context.Response.Headers["X-Error-Code"] = code;
        return Results.Json(new { error = code }, statusCode: status);
    }
}

/// <summary>One request the fake hub received.</summary>
internal sealed record FakeHubRequest(string Method, string Path, string Range, string Authorization);

/// <summary>A repository on the fake hub.</summary>
internal sealed class FakeRepo(string id, params FakeFile[] files)
{
    public string Id { get; } = id;

    public string Commit { get; init; } = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(id)));

    public IReadOnlyList<FakeFile> Files { get; } = files;

    /// <summary>The token a request must carry, or null for a public repository.</summary>
    public string? Token { get; init; }

    public bool Gated { get; init; }

    /// <summary>Files whose storage download has one byte flipped (the advertised checksum stays right).</summary>
    public HashSet<string> Corrupt { get; } = [];
}

/// <summary>A file of a fake repository: LFS files are named by their sha256, others by their git blob sha1.</summary>
internal sealed class FakeFile
{
    public FakeFile(string path, byte[] content, bool lfs)
    {
        Path = path;
        Content = content;
        Lfs = lfs;
        Sha256 = Convert.ToHexStringLower(SHA256.HashData(content));
        var header = Encoding.ASCII.GetBytes($"blob {content.Length}\0");
        GitSha1 = Convert.ToHexStringLower(SHA1.HashData([.. header, .. content]));
    }

    public string Path { get; }

    public byte[] Content { get; }

    public bool Lfs { get; }

    public string Sha256 { get; }

    public string GitSha1 { get; }

    /// <summary>A file served from the shared test data (LFS when it is weights).</summary>
    public static FakeFile FromTestData(string path, string relativePath) =>
        new(path, File.ReadAllBytes(TestData.File(relativePath)), path.EndsWith(".gguf", StringComparison.Ordinal) || path.EndsWith(".safetensors", StringComparison.Ordinal));

    public static FakeFile Text(string path, string text) => new(path, Encoding.UTF8.GetBytes(text), lfs: false);
}
