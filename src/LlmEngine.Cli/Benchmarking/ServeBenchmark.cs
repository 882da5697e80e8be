using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace LlmEngine.Cli.Benchmarking;

/// <summary>
/// vLLM's <c>benchmark_serving</c>: requests arrive as a Poisson process at a given rate (or all at once), each a
/// streamed <c>/v1/completions</c> call with a token-id prompt, greedy and past EOS, so the server does the same work
/// for every request whatever the model says.
/// </summary>
internal static class ServeBenchmark
{
    /// <summary>
    /// The gaps between arrivals: exponential with mean 1/<paramref name="rate"/> (a Poisson process), seeded; all
    /// zero when the rate is infinite.
    /// </summary>
    public static double[] ArrivalGaps(int count, double rate, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rate);
        var gaps = new double[count];
        if (double.IsPositiveInfinity(rate))
        {
            return gaps;
        }
        var random = new Random(seed);
        for (var i = 1; i < count; i++)
        {
            gaps[i] = -Math.Log(1.0 - random.NextDouble()) / rate;
        }
        return gaps;
    }

    /// <summary>The JSON body of one streamed completion request.</summary>
    public static byte[] RequestBody(string model, IReadOnlyList<int> prompt, int maxTokens)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("model", model);
            json.WriteStartArray("prompt");
            foreach (var id in prompt)
            {
                json.WriteNumberValue(id);
            }
            json.WriteEndArray();
            json.WriteNumber("max_tokens", maxTokens);
            json.WriteNumber("temperature", 0);
            json.WriteBoolean("ignore_eos", true);
            json.WriteBoolean("stream", true);
            json.WriteStartObject("stream_options");
            json.WriteBoolean("include_usage", true);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>Asks the server for its first served model's name (<c>GET /v1/models</c>).</summary>
    public static async Task<string> GetServedModelAsync(HttpClient client, Uri baseUrl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var response = await client.GetAsync(new Uri(baseUrl, "v1/models"), cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
        foreach (var model in document.RootElement.GetProperty("data").EnumerateArray())
        {
            return model.GetProperty("id").GetString() ?? throw new InvalidOperationException("GET /v1/models returned a model without an id");
        }
        throw new InvalidOperationException("GET /v1/models returned no model");
    }

    /// <summary>Sends every prompt at its arrival time and waits for all the streams to end.</summary>
    public static async Task<ServeResult> RunAsync(HttpClient client, Uri baseUrl, string model, IReadOnlyList<int[]> prompts, int maxTokens,
        double rate, int seed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(prompts);
        var gaps = ArrivalGaps(prompts.Count, rate, seed);
        var endpoint = new Uri(baseUrl, "v1/completions");
        var tasks = new Task<StreamedCompletion>[prompts.Count];
        var run = Stopwatch.StartNew();
        var due = 0.0;
        for (var i = 0; i < prompts.Count; i++)
        {
            due += gaps[i];
            var wait = due - run.Elapsed.TotalSeconds;
            if (wait > 0)
            {
                await Task.Delay(TimeSpan.FromSeconds(wait), cancellationToken).ConfigureAwait(false);
            }
            tasks[i] = SendAsync(client, endpoint, RequestBody(model, prompts[i], maxTokens), cancellationToken);
        }
        var results = await Task.WhenAll(tasks).ConfigureAwait(false);
        return new ServeResult(results, run.Elapsed.TotalSeconds);
    }

    private static async Task<StreamedCompletion> SendAsync(HttpClient client, Uri endpoint, byte[] body, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                return Failed(clock, $"HTTP {(int)response.StatusCode}: {text}");
            }
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            return await CompletionStreamReader.ReadAsync(stream, clock, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or IOException)
        {
            return Failed(clock, e.Message);
        }
    }

    private static StreamedCompletion Failed(Stopwatch clock, string error) => new([], clock.Elapsed.TotalSeconds, 0, 0, error);

    /// <summary>Joins a base URL so that relative endpoint paths land below it (<c>http://host:8000</c> or <c>.../v1</c> both work).</summary>
    public static Uri NormalizeBaseUrl(string url)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(url);
        var trimmed = url.TrimEnd('/');
        if (trimmed.EndsWith("/v1", StringComparison.Ordinal))
        {
            trimmed = trimmed[..^3];
        }
        var builder = new StringBuilder(trimmed).Append('/');
        return new Uri(builder.ToString(), UriKind.Absolute);
    }
}
