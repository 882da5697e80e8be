using System.Text;
using LlmEngine.Tests.Engine.Fakes;
using NUnit.Framework;

namespace LlmEngine.Tests.Engine;

public class StopAndOutputTests
{
    private static readonly int[] s_prompt = [TestTokenizer.Bos, 'x', 'y'];

    /// <summary>A harness whose model emits <paramref name="script"/> after the prompt, then EOS.</summary>
    private static EngineHarness Scripted(params int[] script)
    {
        var harness = new EngineHarness();
        harness.Executor.Script = context =>
        {
            var index = context.Length - s_prompt.Length;
            return index < script.Length ? script[index] : TestTokenizer.Eos;
        };
        return harness;
    }

    private static int[] Bytes(string text) => Encoding.UTF8.GetBytes(text).Select(b => (int)b).ToArray();

    private static List<RequestOutput> Run(EngineHarness harness, SamplingParameters parameters)
    {
        var state = harness.Add("r", s_prompt, parameters);
        harness.RunUntilDone();
        Assert.That(harness.Core.KVCacheManager.NumFreeBlocks, Is.EqualTo(harness.Core.KVCacheManager.Pool.NumBlocks));
        return EngineHarness.Drain(state);
    }

    [Test]
    public void AStopStringSpanningThreeTokensEndsTheOutputBeforeIt()
    {
        var tokenizer = new TestTokenizer();
        int[] script = [.. Bytes("Hi "), tokenizer.IdOf("ST"), 'O', 'P', 'z', 'z'];
        var outputs = Run(Scripted(script), new SamplingParameters { Temperature = 0, Stop = ["STOP"] });
        var last = outputs[^1].Outputs[0];
        Assert.That(EngineHarness.Text(outputs), Is.EqualTo("Hi "));
        Assert.That(last.FinishReason, Is.EqualTo(FinishReason.Stop));
        Assert.That(last.StopReason, Is.EqualTo("STOP"));
        Assert.That(EngineHarness.Tokens(outputs), Is.EqualTo(script[..6]), "the tokens of the stop string stay in the token ids");
    }

    [Test]
    public void IncludeStopStringInOutputKeepsIt()
    {
        var tokenizer = new TestTokenizer();
        var outputs = Run(Scripted([.. Bytes("Hi "), tokenizer.IdOf("ST"), 'O', 'P', 'z']), new SamplingParameters { Temperature = 0, Stop = ["STOP"], IncludeStopStringInOutput = true });
        Assert.That(EngineHarness.Text(outputs), Is.EqualTo("Hi STOP"));
    }

    [Test]
    public void MultiByteCharactersAcrossTokensStreamAsWholeCharacters()
    {
        var outputs = Run(Scripted(Bytes("é😀!")), new SamplingParameters { Temperature = 0 });
        var deltas = outputs.Select(o => o.Outputs.Count == 0 ? "" : o.Outputs[0].Text).ToList();
        Assert.That(deltas, Has.None.Contains("\uFFFD"));
        Assert.That(deltas.Where(d => d.Length > 0), Is.EqualTo(new[] { "é", "😀", "!" }));
        Assert.That(string.Concat(deltas), Is.EqualTo("é😀!"));
    }

    [Test]
    public void EosStopsWithoutItsTextUnlessIgnored()
    {
        var outputs = Run(Scripted(Bytes("ok")), new SamplingParameters { Temperature = 0, SkipSpecialTokens = false });
        var last = outputs[^1].Outputs[0];
        Assert.That(last.FinishReason, Is.EqualTo(FinishReason.Stop));
        Assert.That(last.StopReason, Is.Null);
        Assert.That(EngineHarness.Tokens(outputs), Is.EqualTo(new[] { 'o', 'k', TestTokenizer.Eos }));
        Assert.That(EngineHarness.Text(outputs), Is.EqualTo("ok"));

        var ignoring = Run(Scripted(Bytes("ok")), new SamplingParameters { Temperature = 0, IgnoreEos = true, MaxTokens = 5 });
        Assert.That(EngineHarness.Tokens(ignoring), Has.Length.EqualTo(5));
        Assert.That(ignoring[^1].Outputs[0].FinishReason, Is.EqualTo(FinishReason.Length));
    }

    [Test]
    public void AStopTokenIdStopsAndIsTheStopReason()
    {
        var outputs = Run(Scripted(Bytes("abqcd")), new SamplingParameters { Temperature = 0, StopTokenIds = ['q'] });
        var last = outputs[^1].Outputs[0];
        Assert.That(last.FinishReason, Is.EqualTo(FinishReason.Stop));
        Assert.That(last.StopReason, Is.EqualTo((int)'q'));
        Assert.That(EngineHarness.Text(outputs), Is.EqualTo("ab"));
    }

    [Test]
    public void MaxTokensAndTheContextLengthEndWithLength()
    {
        var outputs = Run(Scripted(Bytes("abcdefgh")), new SamplingParameters { Temperature = 0, MaxTokens = 3 });
        Assert.That(EngineHarness.Tokens(outputs), Is.EqualTo(Bytes("abc")));
        Assert.That(outputs[^1].Outputs[0].FinishReason, Is.EqualTo(FinishReason.Length));

        var harness = new EngineHarness(maxModelLength: 8);
        var state = harness.Add("capped", s_prompt, new SamplingParameters { Temperature = 0, IgnoreEos = true });
        harness.RunUntilDone();
        var capped = EngineHarness.Drain(state);
        Assert.That(EngineHarness.Tokens(capped), Has.Length.EqualTo(5));
        Assert.That(capped[^1].Outputs[0].FinishReason, Is.EqualTo(FinishReason.Length));
    }

    [Test]
    public void CumulativeAndFinalOnlyOutputs()
    {
        var cumulative = Run(Scripted(Bytes("abc")), new SamplingParameters { Temperature = 0, OutputKind = RequestOutputKind.Cumulative });
        Assert.That(cumulative.Select(o => o.Outputs[0].Text), Is.EqualTo(new[] { "a", "ab", "abc", "abc" }));
        Assert.That(cumulative[^1].Outputs[0].TokenIds, Has.Count.EqualTo(4));

        var finalOnly = Run(Scripted(Bytes("abc")), new SamplingParameters { Temperature = 0, OutputKind = RequestOutputKind.FinalOnly });
        Assert.That(finalOnly, Has.Count.EqualTo(1));
        Assert.That(finalOnly[0].Finished, Is.True);
        Assert.That(finalOnly[0].Outputs[0].Text, Is.EqualTo("abc"));
    }

    [Test]
    public void LogprobsAndPromptLogprobsAreReported()
    {
        var harness = new EngineHarness();
        var prompt = EngineHarness.Prompt(20);
        var state = harness.Add("lp", prompt, new SamplingParameters { Temperature = 0, MaxTokens = 4, IgnoreEos = true, Logprobs = 3, PromptLogprobs = 2 });
        harness.RunUntilDone();
        var outputs = EngineHarness.Drain(state);
        var logprobs = outputs.SelectMany(o => o.Outputs.SelectMany(c => c.Logprobs!)).ToList();
        var tokens = EngineHarness.Tokens(outputs);
        Assert.That(logprobs, Has.Count.EqualTo(4));
        for (var i = 0; i < 4; i++)
        {
            Assert.That(logprobs[i].Chosen.TokenId, Is.EqualTo(tokens[i]));
            Assert.That(logprobs[i].Chosen.Rank, Is.EqualTo(1), "greedy picks the most likely raw token");
            Assert.That(logprobs[i].Top, Has.Count.EqualTo(3));
            Assert.That(logprobs[i].Top[0].Logprob, Is.EqualTo(logprobs[i].Chosen.Logprob));
            Assert.That(logprobs[i].Top[1].Logprob, Is.LessThanOrEqualTo(logprobs[i].Top[0].Logprob));
        }

        var promptLogprobs = outputs.Single(o => o.PromptLogprobs is not null).PromptLogprobs!;
        Assert.That(promptLogprobs, Has.Count.EqualTo(20));
        Assert.That(promptLogprobs[0], Is.Null);
        var logits = new float[300];
        for (var p = 1; p < 20; p++)
        {
            ToyModel.NextTokenLogits(prompt.AsSpan(0, p), logits);
            var logSumExp = Math.Log(logits.Sum(l => Math.Exp(l)));
            Assert.That(promptLogprobs[p]!.Chosen.TokenId, Is.EqualTo(prompt[p]));
            Assert.That(promptLogprobs[p]!.Chosen.Logprob, Is.EqualTo(logits[prompt[p]] - logSumExp).Within(1e-4));
            Assert.That(promptLogprobs[p]!.Top, Has.Count.EqualTo(2));
        }
    }
}
