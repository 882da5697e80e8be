using LlmEngine.Cli.Benchmarking;
using LlmEngine.Composition;
using LlmEngine.Tests.Infrastructure;
using NUnit.Framework;

namespace LlmEngine.Tests.Benchmarking;

public class EngineBenchmarkTests
{
    [Test]
    public async Task ALatencyRunCountsThePromptAndExactlyTheTokensAskedFor()
    {
        await using var local = LocalModel.Load(BenchModel.Options(TestData.File("stories260K.gguf"), 1, 24, 1));
        var prompt = BenchModel.Prompts(local, 1, 16, seed: 0)[0];
        var result = await LatencyBenchmark.RunAsync(local.Engine, prompt, 8, runs: 2, warmups: 1, CancellationToken.None);
        Assert.That(result.Runs, Has.Count.EqualTo(2));
        foreach (var run in result.Runs)
        {
            Assert.That(run.PromptTokens, Is.EqualTo(16));
            Assert.That(run.GeneratedTokens, Is.EqualTo(8));
            Assert.That(run.PromptTokensPerSecond, Is.Positive);
            Assert.That(run.GenerationTokensPerSecond, Is.Positive);
        }
    }

    [Test]
    public async Task AThroughputRunDrainsEveryRequest()
    {
        await using var local = LocalModel.Load(BenchModel.Options(TestData.File("stories260K.gguf"), 1, 20, 4));
        var prompts = BenchModel.Prompts(local, 4, 12, seed: 5);
        Assert.That(prompts[1], Is.Not.EqualTo(prompts[0]), "requests share no prefix");
        var result = await ThroughputBenchmark.RunAsync(local.Engine, prompts, 8, CancellationToken.None);
        Assert.That(result.Requests, Is.EqualTo(4));
        Assert.That(result.PromptTokens, Is.EqualTo(48));
        Assert.That(result.GeneratedTokens, Is.EqualTo(32));
        Assert.That(result.TimesToFirstToken, Has.All.Positive);
        Assert.That(result.GenerationTokensPerSecond, Is.Positive);
    }

    [Test]
    public void TheProbesMeasureSomething()
    {
        Assert.That(BandwidthProbe.Measure(1, bufferBytes: 8L << 20, passes: 1, repetitions: 1).Wall, Is.Positive);
        Assert.That(ArithmeticProbe.Measure(1, iterations: 10_000, repetitions: 1).Wall, Is.Positive);
    }
}
