namespace LlmEngine.Models.Hub;

/// <summary>
/// Where the Hugging Face Hub is and how to reach it: the endpoint, the access token, the local cache folder and
/// offline mode, read from the same environment variables as <c>huggingface_hub</c> by <see cref="FromEnvironment"/>.
/// </summary>
public sealed record HubOptions
{
    /// <summary>The public Hugging Face Hub.</summary>
    public static readonly Uri DefaultEndpoint = new("https://huggingface.co");

    /// <summary>The hub's base address (<c>HF_ENDPOINT</c>); a mirror works the same way.</summary>
    public Uri Endpoint { get; init; } = DefaultEndpoint;

    /// <summary>The access token sent as <c>Authorization: Bearer</c> (<c>HF_TOKEN</c>); needed for private and gated repositories.</summary>
    public string? Token { get; init; }

    /// <summary>The cache folder holding <c>models--org--name</c> folders (<c>HF_HUB_CACHE</c>, default <c>$HF_HOME/hub</c>).</summary>
    public string CacheDirectory { get; init; } = DefaultCacheDirectory(null, null);

    /// <summary>Use only the cache and never touch the network (<c>HF_HUB_OFFLINE=1</c>).</summary>
    public bool Offline { get; init; }

    /// <summary>How long to wait for a response's headers before giving up on the hub (and falling back to the cache).</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a download may stall between two reads before it fails (a rerun resumes it).</summary>
    public TimeSpan ReadTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The options <c>huggingface_hub</c> would use: <c>HF_ENDPOINT</c>, <c>HF_TOKEN</c> (else the token file at
    /// <c>HF_TOKEN_PATH</c>, default <c>$HF_HOME/token</c>, as <c>huggingface-cli login</c> writes it),
    /// <c>HF_HUB_CACHE</c> (else <c>$HF_HOME/hub</c>, <c>HF_HOME</c> defaulting to <c>$XDG_CACHE_HOME/huggingface</c>
    /// or <c>~/.cache/huggingface</c>) and <c>HF_HUB_OFFLINE</c>.
    /// </summary>
    public static HubOptions FromEnvironment()
    {
        var home = HomeDirectory();
        var endpoint = Environment.GetEnvironmentVariable("HF_ENDPOINT");
        return new HubOptions
        {
            Endpoint = string.IsNullOrWhiteSpace(endpoint) ? DefaultEndpoint : new Uri(endpoint.TrimEnd('/')),
            Token = ReadToken(home),
            CacheDirectory = DefaultCacheDirectory(Environment.GetEnvironmentVariable("HF_HUB_CACHE"), home),
            Offline = IsTrue(Environment.GetEnvironmentVariable("HF_HUB_OFFLINE")),
        };
    }

    private static string DefaultCacheDirectory(string? hubCache, string? home) =>
        !string.IsNullOrWhiteSpace(hubCache) ? ExpandHome(hubCache) : Path.Combine(home ?? HomeDirectory(), "hub");

    private static string HomeDirectory()
    {
        var home = Environment.GetEnvironmentVariable("HF_HOME");
        if (!string.IsNullOrWhiteSpace(home))
        {
            return ExpandHome(home);
        }
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var cache = !string.IsNullOrWhiteSpace(xdg) ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(ExpandHome(cache), "huggingface");
    }

    private static string? ReadToken(string home)
    {
        var token = Environment.GetEnvironmentVariable("HF_TOKEN");
        if (!string.IsNullOrWhiteSpace(token))
        {
            return token.Trim();
        }
        var path = Environment.GetEnvironmentVariable("HF_TOKEN_PATH");
        path = string.IsNullOrWhiteSpace(path) ? Path.Combine(home, "token") : ExpandHome(path);
        if (!File.Exists(path))
        {
            return null;
        }
        var fromFile = File.ReadAllText(path).Trim();
        return fromFile.Length == 0 ? null : fromFile;
    }

    private static string ExpandHome(string path) =>
        path.StartsWith('~') ? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) + path[1..] : path;

    // huggingface_hub's _is_true: 1, ON, YES, TRUE, in any case.
    private static bool IsTrue(string? value) =>
        value?.Trim().ToUpperInvariant() is "1" or "ON" or "YES" or "TRUE";
}
