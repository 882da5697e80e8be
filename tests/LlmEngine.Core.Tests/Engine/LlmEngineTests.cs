using System.Threading.Channels;
using LlmEngine.Tests.Engine.Fakes;
using NUnit.Framework;
using EngineHost = LlmEngine.Engine.LlmEngine;

namespace LlmEngine.Tests.Engine;

public class LlmEngineTests
{
    private const int Vocab = 300;
    private const int Poison = 299;

    private static (EngineHost Engine, ScriptedExecutor Executor) Create(int numBlocks = 64, Action<LlmEngineOptions>? configure = null)
    {
        var executor = new ScriptedExecutor(Vocab, numBlocks);
        var options = new LlmEngineOptions { MaxNumSeqs = 16, MaxNumBatchedTokens = 128, Seed = 7 };
        configure?.Invoke(options);
        return (new EngineHost(executor, new TestTokenizer(Vocab), options), executor);
    }

    private static SamplingParameters Greedy(int maxTokens) => new() { Temperature = 0, MaxTokens = maxTokens, IgnoreEos = true };

    private static async Task<List<RequestOutput>> Collect(IAsyncEnumerable<RequestOutput> stream)
    {
        var outputs = new List<RequestOutput>();
        await foreach (var output in stream)
        {
            outputs.Add(output);
        }
        return outputs;
    }

    /// <summary>
    /// Waits until the loop has handled everything sent before: commands are handled in order, so once a request
    /// added now has finished, earlier aborts have been processed.
    /// </summary>
    private static async Task Barrier(EngineHost engine) => await Collect(engine.GenerateAsync([TestTokenizer.Bos, 'b'], Greedy(1)));

    private static void AssertIdle(EngineHost engine)
    {
        var statistics = engine.GetStatistics();
        Assert.That(statistics.KVCacheUsage, Is.Zero, "blocks leaked");
        Assert.That(statistics.NumRunningRequests, Is.Zero);
        Assert.That(statistics.NumWaitingRequests, Is.Zero);
    }

    [Test]
    public async Task TheLastOutputCarriesTheRequestsQueuePrefillAndDecodeTimes()
    {
        var (engine, _) = Create();
        using var _ = engine;

        var outputs = await Collect(engine.GenerateAsync(EngineHarness.Prompt(20), Greedy(5)));

        Assert.That(outputs[..^1].All(o => o.Metrics is null), Is.True, "only the last output has them");
        var metrics = outputs[^1].Metrics!;
        Assert.That(metrics.QueueTime, Is.GreaterThanOrEqualTo(TimeSpan.Zero));
        Assert.That(metrics.PrefillTime, Is.GreaterThanOrEqualTo(TimeSpan.Zero));
        Assert.That(metrics.DecodeTime, Is.GreaterThanOrEqualTo(TimeSpan.Zero));
        Assert.That(metrics.InferenceTime, Is.EqualTo(metrics.PrefillTime + metrics.DecodeTime));
    }

    [Test]
    public async Task ConcurrentGenerateCallsEachGetTheirOwnOutput()
    {
        var (engine, executor) = Create(numBlocks: 24);
        using var _ = engine;
        var tasks = Enumerable.Range(0, 16).Select(i => Task.Run(() => Collect(engine.GenerateAsync(EngineHarness.Prompt(30, i), Greedy(12))))).ToArray();
        var results = await Task.WhenAll(tasks);
        for (var i = 0; i < results.Length; i++)
        {
            Assert.That(results[i][^1].Finished, Is.True);
            Assert.That(EngineHarness.Tokens(results[i]), Is.EqualTo(ToyModel.Greedy(EngineHarness.Prompt(30, i), Vocab, 12)));
        }
        Assert.That(executor.Steps.Max(s => s.NumSequences), Is.GreaterThan(1), "requests were batched together");
        var statistics = engine.GetStatistics();
        Assert.That(statistics.NumFinishedRequests, Is.EqualTo(16));
        Assert.That(statistics.NumGenerationTokens, Is.EqualTo(16 * 12));
        Assert.That(statistics.NumPreemptions, Is.GreaterThan(0), "24 blocks cannot hold 16 requests of 42 tokens");
        AssertIdle(engine);
    }

    [Test]
    public async Task SeededSamplingGivesTheSameTokensAloneAndInABatch()
    {
        var parameters = new SamplingParameters { Temperature = 0.8f, TopP = 0.9f, Seed = 42, MaxTokens = 24, IgnoreEos = true };
        var prompt = EngineHarness.Prompt(20, 3);
        var (alone, _) = Create();
        using (alone)
        {
            var aloneTokens = EngineHarness.Tokens(await Collect(alone.GenerateAsync(prompt, parameters)));
            var (batched, _) = Create();
            using (batched)
            {
                var others = Enumerable.Range(0, 7).Select(i => Collect(batched.GenerateAsync(EngineHarness.Prompt(25, 10 + i), new SamplingParameters { Temperature = 1.1f, TopK = 20, MaxTokens = 30, IgnoreEos = true }))).ToList();
                var batchedTokens = EngineHarness.Tokens(await Collect(batched.GenerateAsync(prompt, parameters)));
                await Task.WhenAll(others);
                Assert.That(batchedTokens, Is.EqualTo(aloneTokens));
            }
        }
    }

    [Test]
    public async Task ASharedPrefixIsServedFromThePrefixCache()
    {
        var (engine, _) = Create();
        using var _e = engine;
        var prefix = EngineHarness.Prompt(64);
        int[] first = [.. prefix, 'a', 'b', 'c'];
        int[] second = [.. prefix, 'x', 'y'];
        await Collect(engine.GenerateAsync(first, Greedy(4)));
        var outputs = await Collect(engine.GenerateAsync(second, Greedy(8)));
        Assert.That(outputs[0].NumCachedTokens, Is.GreaterThanOrEqualTo(48));
        Assert.That(EngineHarness.Tokens(outputs), Is.EqualTo(ToyModel.Greedy(second, Vocab, 8)));
        Assert.That(engine.GetStatistics().PrefixCacheHits, Is.EqualTo(outputs[0].NumCachedTokens));
        Assert.That(engine.GetStatistics().PrefixCacheHitRate, Is.GreaterThan(0));
        AssertIdle(engine);
    }

    [Test]
    public async Task CancellationAbortsTheRequestAndFreesItsBlocks()
    {
        var (engine, executor) = Create();
        using var _ = engine;
        using var cancellation = new CancellationTokenSource();
        var received = 0;
        await Assert.ThrowsAsync(Is.InstanceOf<OperationCanceledException>(), async () =>
        {
            await foreach (var output in engine.GenerateAsync(EngineHarness.Prompt(40), Greedy(900), cancellationToken: cancellation.Token))
            {
                if (++received == 3)
                {
                    await cancellation.CancelAsync();
                }
            }
        });
        await Barrier(engine);
        Assert.That(executor.Steps, Has.Count.LessThan(900));
        AssertIdle(engine);
    }

    [Test]
    public async Task LeavingTheEnumerationEarlyAbortsTheRequest()
    {
        var (engine, _) = Create();
        using var _e = engine;
        await foreach (var output in engine.GenerateAsync(EngineHarness.Prompt(40), Greedy(900)))
        {
            break;
        }
        await Barrier(engine);
        AssertIdle(engine);
    }

    [Test]
    public async Task AbortEndsTheStreamWithAbortMidDecodeMidPrefillAndWhileWaiting()
    {
        var (engine, executor) = Create(configure: o => { o.MaxNumSeqs = 2; o.MaxNumBatchedTokens = 16; });
        using var _e = engine;

        // The loop pauses before its second step until the aborts are queued, so all three are still in flight.
        using var resume = new ManualResetEventSlim();
        var steps = 0;
        executor.BeforeStep = () =>
        {
            if (++steps == 2)
            {
                resume.Wait();
            }
        };
        var decoding = engine.AddRequest("decoding", EngineHarness.Prompt(10), Greedy(900));
        var prefilling = engine.AddRequest("prefilling", EngineHarness.Prompt(900, 1), Greedy(5));
        var waiting = engine.AddRequest("waiting", EngineHarness.Prompt(10, 2), Greedy(5));
        await decoding.ReadAsync();
        engine.Abort("decoding");
        engine.Abort("prefilling");
        engine.Abort("waiting");
        resume.Set();
        foreach (var reader in new[] { decoding, prefilling, waiting })
        {
            var outputs = await reader.ReadAllAsync().ToListAsync();
            Assert.That(outputs[^1].Finished, Is.True);
            Assert.That(outputs[^1].Outputs.Single().FinishReason, Is.EqualTo(FinishReason.Abort));
        }
        await Barrier(engine);
        AssertIdle(engine);
        engine.Abort("unknown");
    }

    [Test]
    public async Task AFailingRequestEndsAloneWhileTheOthersContinue()
    {
        var (engine, executor) = Create();
        using var _ = engine;
        executor.FailWhen = batch => batch.TokenIds.AsSpan(0, batch.NumTokens).Contains(Poison);
        var good = Enumerable.Range(0, 4).Select(i => Collect(engine.GenerateAsync(EngineHarness.Prompt(20, i), Greedy(10)))).ToList();
        int[] poisoned = [.. EngineHarness.Prompt(20, 9), Poison];
        var bad = Collect(engine.GenerateAsync(poisoned, Greedy(10), "bad"));
        var error = await Assert.ThrowsAsync<LlmEngineRequestException>(async () => await bad);
        Assert.That(error!.RequestId, Is.EqualTo("bad"));
        Assert.That(error.InnerException, Is.InstanceOf<InvalidOperationException>());
        for (var i = 0; i < good.Count; i++)
        {
            Assert.That(EngineHarness.Tokens(await good[i]), Is.EqualTo(ToyModel.Greedy(EngineHarness.Prompt(20, i), Vocab, 10)));
        }
        AssertIdle(engine);
    }

    [Test]
    public void BadRequestsAreRejectedAtTheEdgeNamingTheParameter()
    {
        var (engine, _) = Create(numBlocks: 8);
        using var _e = engine;
        int[] prompt = [TestTokenizer.Bos, 'a'];
        void Rejects(string parameter, Action add)
        {
            var error = Assert.Catch<ArgumentException>(() => add());
            Assert.That(error!.ParamName, Is.EqualTo(parameter), error.Message);
        }
        Rejects("promptTokenIds", () => engine.AddRequest("e", Array.Empty<int>()));
        Rejects("promptTokenIds", () => engine.AddRequest("long", EngineHarness.Prompt(128)));
        Rejects("promptTokenIds", () => engine.AddRequest("unknown", [1, Vocab]));
        Rejects("MaxTokens", () => engine.AddRequest("m", prompt, new SamplingParameters { MaxTokens = 127 }));
        Rejects("Temperature", () => engine.AddRequest("t", prompt, new SamplingParameters { Temperature = -0.1f }));
        Rejects("TopP", () => engine.AddRequest("p", prompt, new SamplingParameters { TopP = 0 }));
        Rejects("TopP", () => engine.AddRequest("p", prompt, new SamplingParameters { TopP = 1.5f }));
        Rejects("TopK", () => engine.AddRequest("k", prompt, new SamplingParameters { TopK = -2 }));
        Rejects("N", () => engine.AddRequest("n", prompt, new SamplingParameters { N = 0 }));
        Rejects("Logprobs", () => engine.AddRequest("l", prompt, new SamplingParameters { Logprobs = 21 }));
        Rejects("LogitBias", () => engine.AddRequest("b", prompt, new SamplingParameters { LogitBias = new Dictionary<int, float> { [Vocab + 1] = 1 } }));
        Rejects("StopTokenIds", () => engine.AddRequest("s", prompt, new SamplingParameters { StopTokenIds = [-1] }));
        Assert.That(Assert.Catch<ArgumentException>(() => engine.GenerateAsync(prompt, new SamplingParameters { MinP = 2 }))!.ParamName, Is.EqualTo("MinP"));
    }

    [Test]
    public async Task RequestIdsMustBeUniqueWhileRunning()
    {
        var (engine, executor) = Create();
        using var _e = engine;
        // Hold the engine loop in its first step so the first request is certainly still running when the duplicate comes.
        using var release = new ManualResetEventSlim();
        executor.BeforeStep = () => release.Wait(TimeSpan.FromSeconds(30));
        var first = engine.AddRequest("same", EngineHarness.Prompt(10), Greedy(3));
        Assert.Throws<ArgumentException>(() => engine.AddRequest("same", EngineHarness.Prompt(10), Greedy(3)));
        release.Set();
        await first.ReadAllAsync().ToListAsync();
        var again = engine.AddRequest("same", EngineHarness.Prompt(10), Greedy(3));
        Assert.That((await again.ReadAllAsync().ToListAsync())[^1].Finished, Is.True);
    }

    [Test]
    public void OptionsAreValidatedAtStartNamingTheOption()
    {
        var executor = new ScriptedExecutor(Vocab, 16);
        var tokenizer = new TestTokenizer(Vocab);
        void Rejects(string option, LlmEngineOptions options)
        {
            var error = Assert.Catch<ArgumentException>(() => new EngineHost(executor, tokenizer, options).Dispose());
            Assert.That(error!.Message, Does.Contain(option));
        }
        Rejects("MaxNumSeqs", new LlmEngineOptions { MaxNumSeqs = 0 });
        Rejects("BlockSize", new LlmEngineOptions { BlockSize = 32 });
        Rejects("MaxNumBatchedTokens", new LlmEngineOptions { MaxNumSeqs = 64, MaxNumBatchedTokens = 32 });
        Rejects("NumKVCacheBlocks", new LlmEngineOptions { NumKVCacheBlocks = 17 });
        Rejects("MaxModelLength", new LlmEngineOptions { MaxModelLength = 16 * 16 + 1 });
        Rejects("MaxNumBatchedTokens", new LlmEngineOptions { EnableChunkedPrefill = false, MaxNumBatchedTokens = 100, MaxNumSeqs = 8 });
    }

    [Test]
    public async Task TextPromptsAreTokenizedAndTextComesBack()
    {
        var (engine, executor) = Create();
        using var _e = engine;
        executor.Script = context => context.Length switch { 3 => 'O', 4 => 'K', _ => TestTokenizer.Eos };
        var outputs = await Collect(engine.GenerateAsync("Hi", new SamplingParameters { Temperature = 0 }));
        Assert.That(outputs[0].PromptTokenIds, Is.EqualTo(new[] { TestTokenizer.Bos, 'H', 'i' }));
        Assert.That(EngineHarness.Text(outputs), Is.EqualTo("OK"));
        Assert.That(outputs[^1].Outputs[0].FinishReason, Is.EqualTo(FinishReason.Stop));
    }

    [Test]
    public async Task DisposingEndsUnfinishedStreamsWithAnError()
    {
        var (engine, _) = Create();
        var reader = engine.AddRequest("long", EngineHarness.Prompt(10), Greedy(900));
        await reader.ReadAsync();
        engine.Dispose();
        await Assert.CatchAsync(async () => await reader.ReadAllAsync().ToListAsync());
        Assert.Throws<ObjectDisposedException>(() => engine.AddRequest("after", EngineHarness.Prompt(10)));
    }
}
