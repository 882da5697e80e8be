using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace LlmEngine.Models.Hub;

/// <summary>
/// The few Hugging Face Hub calls a model download needs: a revision's commit and file list, a file's metadata, and
/// the file's bytes (from an offset, to resume). Redirects are followed by hand so that the access token goes only to
/// the hub itself, never to the storage host an LFS download redirects to.
/// </summary>
public sealed class HubClient : IDisposable
{
    private const int MaxRedirects = 10;
    private readonly HubOptions _options;
    private readonly Uri _base;
    private readonly HttpClient _http;

    /// <summary>A client for <paramref name="options"/>' endpoint; <paramref name="handler"/> replaces the network (tests, proxies).</summary>
    public HubClient(HubOptions options, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        // A trailing slash keeps a mirror's path prefix (https://host/hf/) when relative URLs are resolved against it.
        _base = new Uri(options.Endpoint.ToString().TrimEnd('/') + "/");
        _http = new HttpClient(handler ?? new SocketsHttpHandler { AllowAutoRedirect = false, AutomaticDecompression = DecompressionMethods.None })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("llmengine/" + (typeof(HubClient).Assembly.GetName().Version?.ToString(3) ?? "0"));
    }

    /// <summary>The commit and file list of <paramref name="revision"/> of <paramref name="repoId"/>.</summary>
    /// <exception cref="HubException">The hub refused or does not know the repository or revision.</exception>
    /// <exception cref="HttpRequestException">The hub cannot be reached.</exception>
    public async Task<HubRepoInfo> GetRepoInfoAsync(string repoId, string revision, CancellationToken cancellationToken = default)
    {
        var uri = new Uri(_base, $"api/models/{repoId}/revision/{Uri.EscapeDataString(revision)}");
        using var response = await SendAsync(HttpMethod.Get, uri, 0, followAbsolute: true, cancellationToken).ConfigureAwait(false);
        EnsureSuccess(response, repoId, revision, null);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var json = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken).ConfigureAwait(false);
        var root = json.RootElement;
        if (!root.TryGetProperty("sha", out var sha) || sha.GetString() is not { Length: > 0 } commit)
        {
            throw new HubException(repoId, $"The hub's answer for '{repoId}' at '{revision}' has no commit ('sha'); is {_options.Endpoint} a Hugging Face Hub?");
        }
        var files = new List<string>();
        if (root.TryGetProperty("siblings", out var siblings) && siblings.ValueKind == JsonValueKind.Array)
        {
            foreach (var sibling in siblings.EnumerateArray())
            {
                if (sibling.TryGetProperty("rfilename", out var name) && name.GetString() is { Length: > 0 } file)
                {
                    files.Add(file);
                }
            }
        }
        return new HubRepoInfo(commit, files);
    }

    /// <summary>
    /// A file's commit, etag, size and download location, from a <c>HEAD</c> on its resolve URL. Relative redirects
    /// (a renamed repository) are followed; an absolute one (LFS storage) is where the bytes are.
    /// </summary>
    /// <exception cref="HubException">The hub refused or does not know the file.</exception>
    /// <exception cref="HttpRequestException">The hub cannot be reached.</exception>
    public async Task<HubFileMetadata> GetFileMetadataAsync(string repoId, string revision, string file, CancellationToken cancellationToken = default)
    {
        var uri = ResolveUri(repoId, revision, file);
        using var response = await SendAsync(HttpMethod.Head, uri, 0, followAbsolute: false, cancellationToken).ConfigureAwait(false);
        var redirect = IsRedirect(response.StatusCode) && response.Headers.Location is not null;
        if (!redirect)
        {
            EnsureSuccess(response, repoId, revision, file);
        }
        var etag = Header(response, "X-Linked-Etag") ?? Header(response, "ETag")
            ?? throw new HubException(repoId, $"The hub gave no ETag for '{file}' of '{repoId}', so the download cannot be checked or cached.");
        var sizeText = Header(response, "X-Linked-Size");
        var size = sizeText is not null && long.TryParse(sizeText, out var linked) ? linked : response.Content.Headers.ContentLength;
        var location = redirect ? new Uri(response.RequestMessage!.RequestUri!, response.Headers.Location!) : response.RequestMessage!.RequestUri!;
        return new HubFileMetadata(Header(response, "X-Repo-Commit"), NormalizeEtag(etag), size, location);
    }

    /// <summary>The URL that serves a file of a revision: <c>{endpoint}/{repo}/resolve/{rev}/{file}</c>.</summary>
    public Uri ResolveUri(string repoId, string revision, string file)
    {
        var path = string.Join('/', file.Split('/').Select(Uri.EscapeDataString));
        return new Uri(_base, $"{repoId}/resolve/{Uri.EscapeDataString(revision)}/{path}");
    }

    /// <summary>
    /// Starts the download of <paramref name="location"/>, from byte <paramref name="offset"/> when above 0 (a
    /// <c>Range</c> request; the status says whether the server honoured it: 206, or 200 for the whole file).
    /// </summary>
    internal async Task<HttpResponseMessage> OpenDownloadAsync(string repoId, string file, Uri location, long offset, CancellationToken cancellationToken)
    {
        var response = await SendAsync(HttpMethod.Get, location, offset, followAbsolute: true, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode is HttpStatusCode.OK or HttpStatusCode.PartialContent or HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            return response;
        }
        using (response)
        {
            EnsureSuccess(response, repoId, null, file);
            throw new HubException(repoId, $"The hub answered {(int)response.StatusCode} for '{file}' of '{repoId}'.", (int)response.StatusCode);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _http.Dispose();

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, Uri uri, long offset, bool followAbsolute, CancellationToken cancellationToken)
    {
        for (var hop = 0; ; hop++)
        {
            using var request = new HttpRequestMessage(method, uri);
            // Sizes and checksums are of the raw bytes: no transparent compression.
            request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("identity"));
            if (_options.Token is { } token && IsHub(uri))
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }
            if (offset > 0)
            {
                request.Headers.Range = new RangeHeaderValue(offset, null);
            }
            HttpResponseMessage response;
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                timeout.CancelAfter(_options.ConnectTimeout);
                try
                {
                    response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new HttpRequestException($"{uri.GetLeftPart(UriPartial.Authority)} did not answer within {_options.ConnectTimeout.TotalSeconds:F0} s.");
                }
            }
            if (!IsRedirect(response.StatusCode) || response.Headers.Location is not { } location || hop == MaxRedirects)
            {
                return response;
            }
            if (!location.IsAbsoluteUri || followAbsolute)
            {
                uri = new Uri(uri, location);
                response.Dispose();
                continue;
            }
            return response;
        }
    }

    private bool IsHub(Uri uri) => Uri.Compare(uri, _options.Endpoint, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;

    private static bool IsRedirect(HttpStatusCode status) => (int)status is 301 or 302 or 303 or 307 or 308;

    private void EnsureSuccess(HttpResponseMessage response, string repoId, string? revision, string? file)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }
        var status = (int)response.StatusCode;
        var code = Header(response, "X-Error-Code");
        var page = new Uri(_base, repoId);
        var message = (status, code) switch
        {
            (403, _) or (_, "GatedRepo") =>
                $"Access to '{repoId}' was refused (HTTP {status}): it is a gated or private repository. Accept its conditions at {page} with your account, then set HF_TOKEN to one of that account's tokens ({new Uri(_base, "settings/tokens")}).",
            (401, _) when _options.Token is null =>
                $"'{repoId}' needs authentication (HTTP 401): it is private or gated, or it does not exist on {_options.Endpoint}. Check the name; if you have access, set HF_TOKEN to a token from {new Uri(_base, "settings/tokens")}.",
            (401, _) =>
                $"The token in HF_TOKEN was refused for '{repoId}' (HTTP 401): check the token, and that the repository exists on {_options.Endpoint}.",
            (404, "EntryNotFound") or (404, _) when file is not null =>
                $"'{file}' is not in '{repoId}'{(revision is null ? "" : $" at revision '{revision}'")} (HTTP 404).",
            (404, "RevisionNotFound") => $"Revision '{revision}' of '{repoId}' does not exist (HTTP 404).",
            (404, _) => $"Repository '{repoId}' was not found on {_options.Endpoint} (HTTP 404): check the name (org/name, as on {page}).",
            _ => $"The hub answered HTTP {status} {response.ReasonPhrase} for '{repoId}'{(file is null ? "" : $" file '{file}'")}{(Header(response, "X-Error-Message") is { } detail ? ": " + detail : "")}.",
        };
        throw new HubException(repoId, message, status);
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? values.FirstOrDefault() : null;

    // huggingface_hub's _normalize_etag: weak-validator prefix and quotes removed.
    private static string NormalizeEtag(string etag)
    {
        var value = etag.Trim();
        if (value.StartsWith("W/", StringComparison.Ordinal))
        {
            value = value[2..];
        }
        return value.Trim('"');
    }
}
