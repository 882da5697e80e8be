using LlmEngine.Hosting.Tests.Fakes;
using LlmEngine.Hosting.Tests.Infrastructure;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace LlmEngine.Hosting.Tests.Embeddings;

[TestFixture]
public sealed class EmbeddingsTests
{
    private readonly HashEmbeddingGenerator _generator = new();
    private TestHost _host = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _host = await TestHost.ScriptedAsync(services: s => s.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(_generator));

    [OneTimeTearDown]
    public async Task StopAsync() => await _host.DisposeAsync();

    [Test]
    public async Task ReturnsOneFloatVectorPerInput()
    {
        var (status, body) = await Http.PostAsync(_host.Client, "/v1/embeddings", """{"model":"scripted","input":["ab","xyz"]}""");

        Assert.That(status, Is.EqualTo(200), body?.ToJsonString());
        Assert.That((string?)body!["object"], Is.EqualTo("list"));
        Assert.That((string?)body["model"], Is.EqualTo("scripted"));
        var data = body["data"]!.AsArray();
        Assert.That(data.Select(d => (int)d!["index"]!), Is.EqualTo(new[] { 0, 1 }));
        Assert.That((string?)data[0]!["object"], Is.EqualTo("embedding"));
        Assert.That(data[1]!["embedding"]!.AsArray().Select(v => (float)v!), Is.EqualTo(new[] { 3f, 'x', 'y', 'z' }));
        Assert.That((int)body["usage"]!["prompt_tokens"]!, Is.EqualTo(7));
    }

    [Test]
    public async Task Base64IsLittleEndianFloat32AndDimensionsArePassedOn()
    {
        var (status, body) = await Http.PostAsync(_host.Client, "/v1/embeddings", """{"input":"ab","encoding_format":"base64","dimensions":3}""");

        Assert.That(status, Is.EqualTo(200), body?.ToJsonString());
        var bytes = Convert.FromBase64String((string)body!["data"]![0]!["embedding"]!);
        var floats = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, floats, 0, bytes.Length);
        Assert.That(floats, Is.EqualTo(new[] { 2f, 'a', 'b' }));
        Assert.That(_generator.Calls[^1]!.Dimensions, Is.EqualTo(3));
    }

    [Test]
    public async Task TokenIdInputsAreDecoded()
    {
        var (status, body) = await Http.PostAsync(_host.Client, "/v1/embeddings", """{"input":[104,105]}""");

        Assert.That(status, Is.EqualTo(200), body?.ToJsonString());
        Assert.That(body!["data"]![0]!["embedding"]!.AsArray().Select(v => (float)v!).Take(3), Is.EqualTo(new[] { 2f, 'h', 'i' }));
    }

    [TestCase("""{"input":"a","encoding_format":"int8"}""", "encoding_format")]
    [TestCase("""{"input":"a","dimensions":0}""", "dimensions")]
    [TestCase("""{"input":[]}""", "input")]
    [TestCase("""{"input":5}""", "input")]
    public async Task BadEmbeddingRequestsAre400(string json, string param)
    {
        var (status, body) = await Http.PostAsync(_host.Client, "/v1/embeddings", json);

        Assert.That(status, Is.EqualTo(400), body?.ToJsonString());
        Assert.That((string?)body!["error"]!["param"], Is.EqualTo(param));
    }
}
