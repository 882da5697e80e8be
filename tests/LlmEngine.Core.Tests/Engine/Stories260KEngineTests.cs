using LlmEngine.Execution.Cpu;
using LlmEngine.Models;
using LlmEngine.Tests.Engine.Fakes;
using LlmEngine.Tests.Infrastructure;
using LlmEngine.Tokenization;
using NUnit.Framework;
using EngineHost = LlmEngine.Engine.LlmEngine;

namespace LlmEngine.Tests.Engine;

/// <summary>The engine over the real CPU executor and tokenizer, on the stories260K model.</summary>
public class Stories260KEngineTests
{
    private static readonly string[] s_names = ["Lily", "Tom", "Sue", "Ben"];
    private static readonly string[] s_animals = ["cat", "dog", "bird", "fish", "frog", "bear", "duck", "bunny"];

    private static (EngineHost Engine, CpuModelExecutor Executor, LoadedModel Model) Create(int numBlocks, int maxNumSeqs, int maxNumBatchedTokens)
    {
        var path = TestData.File("stories260K.gguf");
        var model = ModelLoader.Load(path);
        var executor = new CpuModelExecutor(model, new CpuModelExecutorOptions
        {
            NumBlocks = numBlocks,
            BlockSize = 16,
            ThreadCount = 2,
            MaxBatchTokens = maxNumBatchedTokens,
            MaxNumSequences = maxNumSeqs,
        });
        var tokenizer = TokenizerFactory.FromGguf(path);
        var engine = new EngineHost(executor, tokenizer, new LlmEngineOptions
        {
            MaxNumSeqs = maxNumSeqs,
            MaxNumBatchedTokens = maxNumBatchedTokens,
            MaxModelLength = 512,
        });
        return (engine, executor, model);
    }

    private static async Task<List<RequestOutput>> Collect(IAsyncEnumerable<RequestOutput> stream)
    {
        var outputs = new List<RequestOutput>();
        await foreach (var output in stream)
        {
            outputs.Add(output);
        }
        return outputs;
    }

    [Test]
    public async Task ThirtyTwoConcurrentGreedyRequestsInATightPoolMatchEachRunAlone()
    {
        var prompts = Enumerable.Range(0, 32).Select(i => $"Once upon a time, {s_names[i % 4]} saw a {s_animals[i / 4]} in the park").ToArray();
        var greedy = new SamplingParameters { Temperature = 0, MaxTokens = 40 };

        var (alone, aloneExecutor, aloneModel) = Create(numBlocks: 64, maxNumSeqs: 32, maxNumBatchedTokens: 64);
        var expected = new List<int[]>();
        using (aloneModel)
        using (aloneExecutor)
        using (alone)
        {
            foreach (var prompt in prompts)
            {
                expected.Add(EngineHarness.Tokens(await Collect(alone.GenerateAsync(prompt, greedy))));
            }
        }

        // 32 requests of up to ~55 tokens need ~128 blocks at once; 40 forces preemption, and a 64-token budget
        // shared by 32 prompts forces chunked prefill.
        var (engine, executor, model) = Create(numBlocks: 40, maxNumSeqs: 32, maxNumBatchedTokens: 64);
        using (model)
        using (executor)
        using (engine)
        {
            var results = await Task.WhenAll(prompts.Select(p => Task.Run(() => Collect(engine.GenerateAsync(p, greedy)))));
            for (var i = 0; i < prompts.Length; i++)
            {
                Assert.That(EngineHarness.Tokens(results[i]), Is.EqualTo(expected[i]), prompts[i]);
            }
            var statistics = engine.GetStatistics();
            Assert.That(statistics.NumPreemptions, Is.GreaterThan(0));
            Assert.That(statistics.KVCacheUsage, Is.Zero);
        }
    }

    [Test]
    public async Task ASecondRequestSharingA64TokenPrefixReusesItsBlocks()
    {
        var (engine, executor, model) = Create(numBlocks: 64, maxNumSeqs: 8, maxNumBatchedTokens: 128);
        using (model)
        using (executor)
        using (engine)
        {
            var prefix = engine.Tokenizer.Encode("Once upon a time, there was a little girl named Lily. She loved to play outside in the park with her friends. One day, she saw a big red ball near the tree. She ran to get it, but a little dog took it first. Lily was sad, so her mom gave her a hug");
            Assert.That(prefix, Has.Length.GreaterThanOrEqualTo(64));
            int[] second = [.. prefix[..64], .. engine.Tokenizer.Encode(" and a dog", addSpecialTokens: false)];
            var greedy = new SamplingParameters { Temperature = 0, MaxTokens = 24 };

            var (cold, coldExecutor, coldModel) = Create(numBlocks: 64, maxNumSeqs: 8, maxNumBatchedTokens: 128);
            int[] expected;
            using (coldModel)
            using (coldExecutor)
            using (cold)
            {
                expected = EngineHarness.Tokens(await Collect(cold.GenerateAsync(second, greedy)));
            }

            await Collect(engine.GenerateAsync(prefix, greedy));
            var outputs = await Collect(engine.GenerateAsync(second, greedy));
            Assert.That(outputs[0].NumCachedTokens, Is.GreaterThanOrEqualTo(48));
            Assert.That(EngineHarness.Tokens(outputs), Is.EqualTo(expected));
        }
    }

    [Test]
    public async Task OnceUponATimeContinuesAsTheReferenceDoes()
    {
        var (engine, executor, model) = Create(numBlocks: 32, maxNumSeqs: 4, maxNumBatchedTokens: 64);
        using (model)
        using (executor)
        using (engine)
        {
            var outputs = await Collect(engine.GenerateAsync("Once upon a time", new SamplingParameters { Temperature = 0, MaxTokens = 12 }));
            Assert.That(outputs[0].PromptTokenIds, Is.EqualTo(new[] { 1, 403, 407, 261, 378 }));
            Assert.That(EngineHarness.Text(outputs), Does.StartWith(", there was a little girl named Lily."));
        }
    }
}
