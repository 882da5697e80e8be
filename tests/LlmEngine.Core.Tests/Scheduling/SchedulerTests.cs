using LlmEngine.Engine;
using LlmEngine.Tests.Engine.Fakes;
using NUnit.Framework;

namespace LlmEngine.Tests.Scheduling;

public class SchedulerTests
{
    private const int Vocab = 300;

    private static SamplingParameters Greedy(int maxTokens) => new() { Temperature = 0, MaxTokens = maxTokens, IgnoreEos = true };

    private static void AssertNoLeaks(EngineHarness harness)
    {
        Assert.That(harness.Core.KVCacheManager.NumFreeBlocks, Is.EqualTo(harness.Core.KVCacheManager.Pool.NumBlocks), "blocks leaked");
        Assert.That(harness.Core.NumRequests, Is.Zero);
    }

    [Test]
    public void EveryStepRespectsTheTokenBudgetAndMaxNumSeqs()
    {
        var harness = new EngineHarness(numBlocks: 128, maxNumSeqs: 4, maxNumBatchedTokens: 64);
        var states = Enumerable.Range(0, 10).Select(i => harness.Add($"r{i}", EngineHarness.Prompt(50, i), Greedy(5))).ToArray();
        harness.RunUntilDone();

        Assert.That(harness.Executor.Steps.Max(s => s.NumTokens), Is.EqualTo(64));
        Assert.That(harness.Executor.Steps.Max(s => s.NumSequences), Is.EqualTo(4));
        for (var i = 0; i < states.Length; i++)
        {
            Assert.That(EngineHarness.Tokens(EngineHarness.Drain(states[i])), Is.EqualTo(ToyModel.Greedy(EngineHarness.Prompt(50, i), Vocab, 5)));
        }
        AssertNoLeaks(harness);
    }

    [Test]
    public void ChunkedPrefillInterleavesWithDecodes()
    {
        var harness = new EngineHarness(maxNumBatchedTokens: 32);
        var decoding = harness.Add("decoding", EngineHarness.Prompt(8), Greedy(20));
        harness.Core.Step();
        var longPrompt = harness.Add("long", EngineHarness.Prompt(100, 1), Greedy(3));
        for (var i = 0; i < 4; i++)
        {
            harness.Core.Step();
        }
        var shapes = harness.Executor.QueryLengths.Skip(1).Take(4).ToArray();
        Assert.That(shapes[0], Is.EqualTo(new[] { 1, 31 }));
        Assert.That(shapes[1], Is.EqualTo(new[] { 1, 31 }));
        Assert.That(shapes[2], Is.EqualTo(new[] { 1, 31 }));
        Assert.That(shapes[3], Is.EqualTo(new[] { 1, 7 }));
        Assert.That(EngineHarness.Tokens(EngineHarness.Drain(longPrompt)), Has.Length.EqualTo(1), "the prompt's last chunk samples its first token");

        harness.RunUntilDone();
        Assert.That(EngineHarness.Tokens(EngineHarness.Drain(decoding)), Is.EqualTo(ToyModel.Greedy(EngineHarness.Prompt(8), Vocab, 20)));
        AssertNoLeaks(harness);
    }

    [Test]
    public void WithoutChunkedPrefillAPromptWaitsForABudgetThatHoldsItWhole()
    {
        var harness = new EngineHarness(maxNumBatchedTokens: 64, enableChunkedPrefill: false, maxModelLength: 64);
        harness.Add("a", EngineHarness.Prompt(50), Greedy(4));
        harness.Add("b", EngineHarness.Prompt(50, 1), Greedy(4));
        harness.RunUntilDone();
        Assert.That(harness.Executor.QueryLengths[0], Is.EqualTo(new[] { 50 }));
        Assert.That(harness.Executor.QueryLengths[1], Is.EqualTo(new[] { 1, 50 }));
        AssertNoLeaks(harness);
    }

    [TestCase(0f)]
    [TestCase(0.8f)]
    public void PreemptionWhenBlocksRunOutGivesTheSameOutputAsAPoolBigEnoughForAll(float temperature)
    {
        SamplingParameters Parameters(int i) => new() { Temperature = temperature, TopP = 0.9f, Seed = 100 + i, MaxTokens = 40, IgnoreEos = true };
        List<int[]> Run(int numBlocks, out long preemptions)
        {
            var harness = new EngineHarness(numBlocks: numBlocks, maxNumBatchedTokens: 64);
            var states = Enumerable.Range(0, 6).Select(i => harness.Add($"r{i}", EngineHarness.Prompt(20, i), Parameters(i))).ToArray();
            harness.RunUntilDone();
            preemptions = harness.Core.Scheduler.NumPreemptions;
            AssertNoLeaks(harness);
            return states.Select(s => EngineHarness.Tokens(EngineHarness.Drain(s))).ToList();
        }

        var tight = Run(numBlocks: 8, out var tightPreemptions);
        var roomy = Run(numBlocks: 64, out var roomyPreemptions);
        Assert.That(tightPreemptions, Is.GreaterThan(0));
        Assert.That(roomyPreemptions, Is.Zero);
        Assert.That(tight, Is.EqualTo(roomy));
        if (temperature == 0)
        {
            for (var i = 0; i < 6; i++)
            {
                Assert.That(tight[i], Is.EqualTo(ToyModel.Greedy(EngineHarness.Prompt(20, i), Vocab, 40)));
            }
        }
    }

    [TestCase(SchedulingPolicy.Fcfs, new[] { "p5", "p1", "p3" })]
    [TestCase(SchedulingPolicy.Priority, new[] { "p1", "p3", "p5" })]
    public void WaitingRequestsAreAdmittedInPolicyOrder(SchedulingPolicy policy, string[] expected)
    {
        var harness = new EngineHarness(maxNumSeqs: 1, policy: policy);
        var states = new[] { harness.Add("p5", EngineHarness.Prompt(10), Greedy(3), priority: 5), harness.Add("p1", EngineHarness.Prompt(10, 1), Greedy(3), priority: 1), harness.Add("p3", EngineHarness.Prompt(10, 2), Greedy(3), priority: 3) };
        var order = new List<string>();
        while (harness.Core.HasUnfinishedRequests)
        {
            harness.Core.Step();
            order.AddRange(states.Where(s => s.IsFinished && !order.Contains(s.RequestId)).Select(s => s.RequestId));
        }
        Assert.That(order, Is.EqualTo(expected));
    }

    [TestCase(SchedulingPolicy.Fcfs, "late", "early")]
    [TestCase(SchedulingPolicy.Priority, "early", "late")]
    public void ThePolicyPicksThePreemptionVictim(SchedulingPolicy policy, string victim, string survivor)
    {
        // Two requests fill all 6 blocks; the first to cross into a 4th block forces a preemption.
        var harness = new EngineHarness(numBlocks: 6, maxNumBatchedTokens: 128, policy: policy);
        var early = harness.Add("early", EngineHarness.Prompt(40), Greedy(20), priority: 9);
        var late = harness.Add("late", EngineHarness.Prompt(40, 1), Greedy(20), priority: 0);
        var byName = new Dictionary<string, RequestState> { ["early"] = early, ["late"] = late };
        harness.RunUntilDone();
        Assert.That(byName[victim].Completions[0].Request.NumPreemptions, Is.GreaterThan(0));
        Assert.That(byName[survivor].Completions[0].Request.NumPreemptions, Is.Zero);
        Assert.That(EngineHarness.Tokens(EngineHarness.Drain(byName[victim])), Is.EqualTo(ToyModel.Greedy(EngineHarness.Prompt(40, victim == "late" ? 1 : 0), Vocab, 20)));
        AssertNoLeaks(harness);
    }

    [Test]
    public void ParallelSamplesWaitForTheFirstPrefillAndShareThePromptBlocks()
    {
        var harness = new EngineHarness();
        var state = harness.Add("n3", EngineHarness.Prompt(40), new SamplingParameters { N = 3, Temperature = 1f, Seed = 5, MaxTokens = 6, IgnoreEos = true });
        harness.Core.Step();
        Assert.That(harness.Executor.QueryLengths[0], Is.EqualTo(new[] { 40 }));
        harness.Core.Step();
        Assert.That(harness.Executor.QueryLengths[1], Is.EqualTo(new[] { 1, 8, 8 }), "the siblings compute only past the two cached prompt blocks");
        var requests = state.Completions.Select(c => c.Request).ToArray();
        Assert.That(requests[1].Blocks[0], Is.SameAs(requests[0].Blocks[0]));
        Assert.That(requests[2].Blocks[1], Is.SameAs(requests[0].Blocks[1]));
        harness.RunUntilDone();

        var outputs = EngineHarness.Drain(state);
        Assert.That(outputs[^1].Finished, Is.True);
        var samples = Enumerable.Range(0, 3).Select(i => EngineHarness.Tokens(outputs, i)).ToArray();
        Assert.That(samples.Select(s => s.Length), Is.All.EqualTo(6));
        Assert.That(samples.Distinct(new SequenceComparer()).Count(), Is.GreaterThan(1), "seeds seed + i give different samples");
        AssertNoLeaks(harness);
    }

    private sealed class SequenceComparer : IEqualityComparer<int[]>
    {
        public bool Equals(int[]? x, int[]? y) => x!.SequenceEqual(y!);

        public int GetHashCode(int[] obj) => obj.Length;
    }
}
