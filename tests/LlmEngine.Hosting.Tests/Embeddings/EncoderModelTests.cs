using System.Text.Json.Nodes;
using LlmEngine.Hosting.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace LlmEngine.Hosting.Tests.Embeddings;

/// <summary>
/// Serving an encoder-only (BERT) model registered with <c>AddLlmEngine</c>: everything but generation works, and
/// generation answers a clear 400, as vLLM answers a model that lacks the task.
/// </summary>
[TestFixture]
public sealed class EncoderModelTests
{
    private TinyBert? _bert;
    private TestHost? _host;

    private HttpClient Client => _host!.Client;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _bert = TinyBert.Write();
        _host = await TestHost.StartAsync(s => s.AddLlmEngine(o =>
        {
            o.Model = _bert.Path;
            o.ServedModelName = "tiny-bert";
            o.Engine = new LlmEngineOptions { NumThreads = 1 };
        }), configure: null, kestrel: false, engine: null, owned: null);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
        _bert?.Dispose();
    }

    [Test]
    public async Task EmbeddingsAreServed()
    {
        var (status, body) = await Http.PostAsync(Client, "/v1/embeddings", """{"model":"tiny-bert","input":["The cat sat on the mat.","hello"]}""");

        Assert.That(status, Is.EqualTo(200), body?.ToJsonString());
        var data = body!["data"]!.AsArray();
        Assert.That(data, Has.Count.EqualTo(2));
        var vector = data[0]!["embedding"]!.AsArray().Select(v => (double)v!).ToArray();
        Assert.That(vector, Has.Length.EqualTo(TinyBert.Hidden));
        Assert.That(Math.Sqrt(vector.Sum(v => v * v)), Is.EqualTo(1).Within(1e-4), "normalized");
        Assert.That((int)body["usage"]!["prompt_tokens"]!, Is.GreaterThan(2));
    }

    [Test]
    public async Task ModelsHealthAndMetricsAnswer()
    {
        var (status, models) = await Http.GetAsync(Client, "/v1/models");
        Assert.That(status, Is.EqualTo(200), models?.ToJsonString());
        Assert.That((string?)models!["data"]![0]!["id"], Is.EqualTo("tiny-bert"));
        Assert.That((int)models["data"]![0]!["max_model_len"]!, Is.EqualTo(TinyBert.Context));

        using var health = await Client.GetAsync("/health");
        Assert.That((int)health.StatusCode, Is.EqualTo(200));

        using var metrics = await Client.GetAsync("/metrics");
        var text = await metrics.Content.ReadAsStringAsync();
        Assert.That((int)metrics.StatusCode, Is.EqualTo(200));
        Assert.That(text, Does.Contain("vllm:e2e_request_latency_seconds"));
        Assert.That(text, Does.Not.Contain("vllm:num_requests_running"), "no engine, so no engine gauges");
    }

    [Test]
    public async Task TokenizeAndDetokenizeUseTheEncodersTokenizer()
    {
        var (status, body) = await Http.PostAsync(Client, "/tokenize", """{"prompt":"hello world","return_token_strs":true}""");

        Assert.That(status, Is.EqualTo(200), body?.ToJsonString());
        var tokens = body!["tokens"]!.AsArray().Select(t => (int)t!).ToArray();
        var strings = body["token_strs"]!.AsArray().Select(t => (string?)t).ToList();
        Assert.That((strings.Count, strings[0], strings[^1]), Is.EqualTo((4, "[CLS]", "[SEP]")), "WordPiece adds BERT's special tokens");
        Assert.That((int)body["max_model_len"]!, Is.EqualTo(TinyBert.Context));

        (status, body) = await Http.PostAsync(Client, "/detokenize", new JsonObject { ["tokens"] = new JsonArray([.. tokens[1..^1].Select(t => (JsonNode)t)]) });
        Assert.That(status, Is.EqualTo(200), body?.ToJsonString());
        Assert.That((string?)body!["prompt"], Is.EqualTo("hello world"));
    }

    [TestCase("/v1/chat/completions", """{"model":"tiny-bert","messages":[{"role":"user","content":"hi"}]}""", "chat completions")]
    [TestCase("/v1/completions", """{"model":"tiny-bert","prompt":"hi"}""", "completions")]
    [TestCase("/tokenize", """{"messages":[{"role":"user","content":"hi"}]}""", "chat messages")]
    public async Task GenerationIsAClear400(string path, string json, string api)
    {
        var (status, body) = await Http.PostAsync(Client, path, json);

        Assert.That(status, Is.EqualTo(400), body?.ToJsonString());
        Assert.That((string?)body!["error"]!["code"], Is.EqualTo("model_not_supported"));
        Assert.That((string?)body["error"]!["param"], Is.EqualTo("model"));
        Assert.That((string?)body["error"]!["message"], Is.EqualTo(
            $"The model `tiny-bert` does not support {api}: it is an encoder-only 'bert' model that serves embeddings (/v1/embeddings) only."));
    }
}
