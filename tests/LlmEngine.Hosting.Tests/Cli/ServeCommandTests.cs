using System.CommandLine;
using System.Text.Json.Nodes;
using LlmEngine.Cli.Commands;
using LlmEngine.Hosting.Tests.Infrastructure;
using NUnit.Framework;

namespace LlmEngine.Hosting.Tests.Cli;

/// <summary><c>llmengine serve</c>: flags with vLLM's names, and the demo server answering the README's requests.</summary>
[TestFixture]
public sealed class ServeCommandTests
{
    [Test]
    public async Task ServeWithNoModelAnswersTheReadmeRequestsThenStopsCleanly()
    {
        using var stop = new CancellationTokenSource();
        var address = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var log = new StringWriter();
        var settings = new ServeSettings { Host = "127.0.0.1", Port = 0, Threads = 1, KVCacheMemoryBytes = 16L * 1024 * 1024, ApiKeys = ["demo-key"] };
        var run = ServeCommand.RunAsync(settings, log, stop.Token, address.SetResult);

        var baseAddress = await address.Task.WaitAsync(TimeSpan.FromMinutes(2));
        using var client = new HttpClient { BaseAddress = baseAddress };
        var (status, body) = await Http.PostAsync(client, "/v1/chat/completions",
            """{"model":"stories260K","messages":[{"role":"user","content":"Once upon a time"}],"max_tokens":20,"temperature":0}""", "demo-key");
        Assert.That(status, Is.EqualTo(200), body?.ToJsonString());
        Assert.That((string?)body!["choices"]![0]!["message"]!["content"], Is.Not.Empty);

        (status, body) = await Http.PostAsync(client, "/v1/completions", """{"prompt":"Once upon a time","max_tokens":12,"temperature":0}""", "demo-key");
        Assert.That((string?)body!["choices"]![0]!["text"], Does.StartWith(Stories.GreedyContinuation));

        (status, body) = await Http.PostAsync(client, "/v1/embeddings", """{"input":"Once upon a time"}""", "demo-key");
        Assert.That(status, Is.EqualTo(200), body?.ToJsonString());
        Assert.That(body!["data"]![0]!["embedding"]!.AsArray(), Has.Count.EqualTo(64), "stories260K's hidden size");

        (status, _) = await Http.GetAsync(client, "/v1/models");
        Assert.That(status, Is.EqualTo(401), "the key is required");

        await stop.CancelAsync();
        Assert.That(await run, Is.EqualTo(0));
        var text = log.ToString();
        Assert.That(text, Does.Contain("loaded the built-in demo model stories260K"));
        Assert.That(text, Does.Contain("KV cache:"));
        Assert.That(text, Does.Contain("serving stories260K at http://127.0.0.1:"));
    }

    [Test]
    public async Task ServesAnEncoderOnlyModelForEmbeddingsAndRefusesGeneration()
    {
        using var bert = TinyBert.Write();
        using var stop = new CancellationTokenSource();
        var address = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var log = new StringWriter();
        var settings = new ServeSettings { Model = bert.Path, Host = "127.0.0.1", Port = 0, Threads = 1, ServedModelNames = ["bge-tiny"] };
        var run = ServeCommand.RunAsync(settings, log, stop.Token, address.SetResult);

        using var client = new HttpClient { BaseAddress = await address.Task.WaitAsync(TimeSpan.FromMinutes(2)) };
        var (status, body) = await Http.PostAsync(client, "/v1/embeddings", """{"model":"bge-tiny","input":["hello world","the cat"]}""");
        Assert.That(status, Is.EqualTo(200), body?.ToJsonString());
        Assert.That(body!["data"]!.AsArray().Select(d => d!["embedding"]!.AsArray().Count), Is.EqualTo(new[] { TinyBert.Hidden, TinyBert.Hidden }));
        (status, body) = await Http.GetAsync(client, "/v1/models");
        Assert.That((string?)body!["data"]![0]!["id"], Is.EqualTo("bge-tiny"));
        (status, body) = await Http.PostAsync(client, "/v1/chat/completions", """{"messages":[{"role":"user","content":"hi"}]}""");
        Assert.That(status, Is.EqualTo(400), body?.ToJsonString());
        Assert.That((string?)body!["error"]!["message"], Does.StartWith("The model `bge-tiny` does not support chat completions"));
        using var health = await client.GetAsync("/health");
        Assert.That((int)health.StatusCode, Is.EqualTo(200));

        await stop.CancelAsync();
        Assert.That(await run, Is.EqualTo(0));
        Assert.That(log.ToString(), Does.Contain("encoder-only model").And.Contain("serving bge-tiny at"));
    }

    [Test]
    public async Task AnExplicitMaxModelLengthThatDoesNotFitFailsWithBothWaysOut()
    {
        var log = new StringWriter();
        var settings = new ServeSettings { Host = "127.0.0.1", Port = 0, Threads = 1, KVCacheMemoryBytes = 1024 * 1024, MaxModelLength = 100_000 };

        Assert.That(await ServeCommand.RunAsync(settings, log, CancellationToken.None), Is.EqualTo(2));
        Assert.That(log.ToString(), Does.Contain("100000").And.Contain("--kv-cache-memory").And.Contain("smaller --max-model-len"));
    }

    [TestCase("--device", "cuda")]
    [TestCase("--tensor-parallel-size", "2")]
    public async Task GpuOnlySettingsAreRefusedOnTheCpu(string flag, string value)
    {
        var log = new StringWriter();
        var settings = Parse("serve", flag, value);

        Assert.That(await ServeCommand.RunAsync(settings, log, CancellationToken.None), Is.EqualTo(2));
        Assert.That(log.ToString(), Does.Contain(flag));
    }

    [Test]
    public void ReadsVllmFlags()
    {
        var settings = Parse("serve", "--model", "m.gguf", "--host", "127.0.0.1", "--port", "9000", "--api-key", "k1", "--api-key", "k2",
            "--served-model-name", "a", "b", "--max-model-len", "512", "--max-num-seqs", "8", "--max-num-batched-tokens", "1024",
            "--block-size", "32", "--seed", "7", "--no-enable-prefix-caching", "--threads", "3", "--kv-cache-memory", "512MiB",
            "--tool-call-parser", "hermes", "--uvicorn-log-level", "warning", "--root-path", "/llm", "--gpu-memory-utilization", "0.5");

        Assert.That(settings.Model, Is.EqualTo("m.gguf"));
        Assert.That(settings.Host, Is.EqualTo("127.0.0.1"));
        Assert.That(settings.Port, Is.EqualTo(9000));
        Assert.That(settings.ApiKeys, Is.EqualTo(new[] { "k1", "k2" }));
        Assert.That(settings.ServedModelNames, Is.EqualTo(new[] { "a", "b" }));
        Assert.That(settings.MaxModelLength, Is.EqualTo(512));
        Assert.That(settings.MaxNumSeqs, Is.EqualTo(8));
        Assert.That(settings.MaxNumBatchedTokens, Is.EqualTo(1024));
        Assert.That(settings.BlockSize, Is.EqualTo(32));
        Assert.That(settings.Seed, Is.EqualTo(7));
        Assert.That(settings.EnablePrefixCaching, Is.False);
        Assert.That(settings.Threads, Is.EqualTo(3));
        Assert.That(settings.KVCacheMemoryBytes, Is.EqualTo(512L * 1024 * 1024));
        Assert.That(settings.ToolCallParser, Is.EqualTo("hermes"));
        Assert.That(settings.LogLevel, Is.EqualTo("warning"));
        Assert.That(settings.RootPath, Is.EqualTo("/llm"));
        Assert.That(settings.GpuMemoryUtilization, Is.EqualTo(0.5f));
    }

    [Test]
    public void DefaultsAreVllms()
    {
        var settings = Parse("serve");

        Assert.That(settings.Model, Is.Null);
        Assert.That(settings.Port, Is.EqualTo(8000));
        Assert.That(settings.EnablePrefixCaching, Is.True);
        Assert.That(settings.MaxNumSeqs, Is.EqualTo(256));
        Assert.That(settings.BlockSize, Is.EqualTo(16));
        Assert.That(settings.GpuMemoryUtilization, Is.Null, "not given, so no note about it");
    }

    [TestCase("serve", "a.gguf", "--model", "b.gguf")]
    [TestCase("serve", "--enable-prefix-caching", "--no-enable-prefix-caching")]
    [TestCase("serve", "--port", "70000")]
    [TestCase("serve", "--tool-call-parser", "magic")]
    [TestCase("serve", "--kv-cache-memory", "lots")]
    public void ContradictoryOrBadFlagsAreRejected(params string[] args) =>
        Assert.Throws<ArgumentException>(() => Parse(args));

    [TestCase("1024", 1024L)]
    [TestCase("2GiB", 2L << 30)]
    [TestCase("1.5G", 3L << 29)]
    [TestCase("64kb", 64L << 10)]
    public void ParsesSizes(string text, long bytes) => Assert.That(ServeOptions.ParseBytes(text), Is.EqualTo(bytes));

    private static ServeSettings Parse(params string[] args)
    {
        var options = new ServeOptions();
        var command = new Command("serve");
        foreach (var symbol in options.All)
        {
            if (symbol is Argument argument)
            {
                command.Arguments.Add(argument);
            }
            else if (symbol is Option option)
            {
                command.Options.Add(option);
            }
        }
        var parse = command.Parse(args.Skip(1).ToArray());
        Assert.That(parse.Errors, Is.Empty, string.Join("; ", parse.Errors.Select(e => e.Message)));
        return options.Read(parse);
    }
}
