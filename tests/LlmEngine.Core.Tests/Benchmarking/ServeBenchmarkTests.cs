using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using LlmEngine.Cli.Benchmarking;
using NUnit.Framework;

namespace LlmEngine.Tests.Benchmarking;

public class ServeBenchmarkTests
{
    [Test]
    public void ArrivalsAreAPoissonProcessOfTheGivenRate()
    {
        var gaps = ServeBenchmark.ArrivalGaps(20_000, rate: 4, seed: 1);
        Assert.That(gaps[0], Is.Zero, "the first request goes at once");
        Assert.That(gaps, Has.All.GreaterThanOrEqualTo(0));
        Assert.That(gaps.Skip(1).Average(), Is.EqualTo(0.25).Within(0.01));
        Assert.That(ServeBenchmark.ArrivalGaps(20_000, rate: 4, seed: 1), Is.EqualTo(gaps), "seeded");
        Assert.That(ServeBenchmark.ArrivalGaps(5, double.PositiveInfinity, seed: 1), Has.All.Zero);
    }

    [Test]
    public void TheRequestAsksForAGreedyStreamOfExactlyMaxTokensFromTokenIds()
    {
        using var body = JsonDocument.Parse(ServeBenchmark.RequestBody("m", [5, 6, 7], 9));
        var root = body.RootElement;
        Assert.That(root.GetProperty("model").GetString(), Is.EqualTo("m"));
        Assert.That(root.GetProperty("prompt").EnumerateArray().Select(e => e.GetInt32()), Is.EqualTo(new[] { 5, 6, 7 }));
        Assert.That(root.GetProperty("max_tokens").GetInt32(), Is.EqualTo(9));
        Assert.That(root.GetProperty("temperature").GetDouble(), Is.Zero);
        Assert.That(root.GetProperty("ignore_eos").GetBoolean(), Is.True);
        Assert.That(root.GetProperty("stream").GetBoolean(), Is.True);
        Assert.That(root.GetProperty("stream_options").GetProperty("include_usage").GetBoolean(), Is.True);
    }

    [TestCase("http://host:8000", "http://host:8000/v1/completions")]
    [TestCase("http://host:8000/", "http://host:8000/v1/completions")]
    [TestCase("http://host:8000/v1", "http://host:8000/v1/completions")]
    [TestCase("http://host:8000/api/", "http://host:8000/api/v1/completions")]
    public void EndpointsResolveBelowTheBaseUrl(string url, string expected) =>
        Assert.That(new Uri(ServeBenchmark.NormalizeBaseUrl(url), "v1/completions").ToString(), Is.EqualTo(expected));

    [Test]
    public async Task EveryRequestIsStreamedFromAnOpenAiServerAndCounted()
    {
        using var server = new FakeCompletionServer(tokensPerRequest: 3, failEvery: 4);
        using var client = new HttpClient();
        var model = await ServeBenchmark.GetServedModelAsync(client, server.BaseUrl, CancellationToken.None);
        Assert.That(model, Is.EqualTo("fake-model"));
        var prompts = Enumerable.Range(0, 8).Select(i => new[] { i, i + 1 }).ToArray();
        var result = await ServeBenchmark.RunAsync(client, server.BaseUrl, model, prompts, 3, rate: 1000, seed: 0, CancellationToken.None);
        Assert.That(result.Requests, Has.Count.EqualTo(8));
        Assert.That(result.Completed, Is.EqualTo(6));
        Assert.That(result.Failed, Is.EqualTo(2), "every fourth request gets HTTP 503");
        Assert.That(result.TimesToFirstToken(), Has.Count.EqualTo(6));
        Assert.That(result.InterTokenLatencies(), Has.Count.EqualTo(12), "two gaps in each of the six streams");
        Assert.That(result.Requests.Where(r => r.Succeeded).Select(r => r.PromptTokens), Has.All.EqualTo(2));
        Assert.That(server.SeenModels, Has.All.EqualTo("fake-model"));
    }

    /// <summary>A minimal OpenAI-compatible server: <c>/v1/models</c> and streamed <c>/v1/completions</c>.</summary>
    private sealed class FakeCompletionServer : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly int _tokens;
        private readonly int _failEvery;
        private readonly Task _loop;
        private int _requests;

        public FakeCompletionServer(int tokensPerRequest, int failEvery)
        {
            _tokens = tokensPerRequest;
            _failEvery = failEvery;
            var port = FreePort();
            BaseUrl = new Uri($"http://127.0.0.1:{port}/");
            _listener.Prefixes.Add(BaseUrl.ToString());
            _listener.Start();
            _loop = Task.Run(AcceptAsync);
        }

        public Uri BaseUrl { get; }

        public List<string> SeenModels { get; } = [];

        private static int FreePort()
        {
            using var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            return ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        private async Task AcceptAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }
                _ = Task.Run(() => HandleAsync(context));
            }
        }

        private async Task HandleAsync(HttpListenerContext context)
        {
            var response = context.Response;
            if (context.Request.Url!.AbsolutePath == "/v1/models")
            {
                await WriteAsync(response, "application/json", "{\"object\":\"list\",\"data\":[{\"id\":\"fake-model\",\"object\":\"model\"}]}");
                return;
            }
            using var body = await JsonDocument.ParseAsync(context.Request.InputStream);
            var promptTokens = body.RootElement.GetProperty("prompt").GetArrayLength();
            lock (SeenModels)
            {
                SeenModels.Add(body.RootElement.GetProperty("model").GetString()!);
            }
            if (Interlocked.Increment(ref _requests) % _failEvery == 0)
            {
                response.StatusCode = 503;
                await WriteAsync(response, "application/json", "{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}");
                return;
            }
            var events = new StringBuilder();
            for (var i = 0; i < _tokens; i++)
            {
                events.Append($"data: {{\"choices\":[{{\"index\":0,\"text\":\"t{i}\",\"finish_reason\":null}}],\"usage\":null}}\n\n");
            }
            events.Append($"data: {{\"choices\":[],\"usage\":{{\"prompt_tokens\":{promptTokens},\"completion_tokens\":{_tokens}}}}}\n\n");
            events.Append("data: [DONE]\n\n");
            await WriteAsync(response, "text/event-stream", events.ToString());
        }

        private static async Task WriteAsync(HttpListenerResponse response, string contentType, string text)
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            response.ContentType = contentType;
            response.ContentLength64 = bytes.Length;
            await response.OutputStream.WriteAsync(bytes);
            response.Close();
        }

        public void Dispose()
        {
            _listener.Stop();
            _listener.Close();
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
    }
}
