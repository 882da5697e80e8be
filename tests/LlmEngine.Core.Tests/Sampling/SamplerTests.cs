using LlmEngine.Sampling;
using LlmEngine.Scheduling;
using NUnit.Framework;

namespace LlmEngine.Tests.Sampling;

public class SamplerTests
{
    private const int Eos = 9;

    internal static Request MakeRequest(SamplingParameters parameters, int[]? prompt = null, int[]? outputs = null, int[][]? badWords = null)
    {
        var request = new Request("t", prompt ?? [1, 2], parameters, maxTokens: 1000, arrivalOrder: 0);
        request.SamplingState = new SamplingState(parameters, parameters.Seed ?? 1, [Eos], badWords ?? []);
        foreach (var token in outputs ?? [])
        {
            request.AppendOutputToken(token);
        }
        return request;
    }

    private static float[] Logits(params float[] values) => values;

    [Test]
    public void GreedyTakesTheArgMax()
    {
        var sampler = new Sampler(5);
        Assert.That(sampler.Sample(MakeRequest(SamplingParameters.Greedy), Logits(0, 3, 1, 2, -1)), Is.EqualTo(1));
    }

    [Test]
    public void LogitBiasIsAdded()
    {
        var sampler = new Sampler(4);
        var logits = Logits(0, 1, 2, 3);
        var token = sampler.Sample(MakeRequest(new SamplingParameters { Temperature = 0, LogitBias = new Dictionary<int, float> { [0] = 10, [3] = -1 } }), logits);
        Assert.That(token, Is.Zero);
        Assert.That(logits, Is.EqualTo(new[] { 10f, 1, 2, 2 }));
    }

    [Test]
    public void OnlyAllowedTokensSurvive()
    {
        var sampler = new Sampler(4);
        var logits = Logits(0, 1, 2, 3);
        var token = sampler.Sample(MakeRequest(new SamplingParameters { Temperature = 0, AllowedTokenIds = [0, 2] }), logits);
        Assert.That(token, Is.EqualTo(2));
        Assert.That(logits, Is.EqualTo(new[] { 0f, float.NegativeInfinity, 2, float.NegativeInfinity }));
    }

    [Test]
    public void BadWordsBanTheirLastTokenAfterTheirPrefix()
    {
        var sampler = new Sampler(10);
        int[][] badWords = [[5, 6], [7]];
        var afterPrefix = Logits(0, 0, 0, 0, 0, 0, 5, 4, 3, 0);
        Assert.That(sampler.Sample(MakeRequest(SamplingParameters.Greedy, outputs: [1, 5], badWords: badWords), afterPrefix), Is.EqualTo(8));
        Assert.That(afterPrefix[6], Is.EqualTo(float.NegativeInfinity));
        Assert.That(afterPrefix[7], Is.EqualTo(float.NegativeInfinity));

        var elsewhere = Logits(0, 0, 0, 0, 0, 0, 5, 4, 3, 0);
        Assert.That(sampler.Sample(MakeRequest(SamplingParameters.Greedy, outputs: [5, 1], badWords: badWords), elsewhere), Is.EqualTo(6));
    }

    [Test]
    public void MinTokensSuppressesEosAndStopTokenIdsUntilReached()
    {
        var sampler = new Sampler(10);
        var parameters = new SamplingParameters { Temperature = 0, MinTokens = 2, StopTokenIds = [8] };
        var early = Logits(0, 0, 0, 0, 0, 0, 0, 1, 3, 5);
        Assert.That(sampler.Sample(MakeRequest(parameters, outputs: [1]), early), Is.EqualTo(7));
        var late = Logits(0, 0, 0, 0, 0, 0, 0, 1, 3, 5);
        Assert.That(sampler.Sample(MakeRequest(parameters, outputs: [1, 2]), late), Is.EqualTo(Eos));

        var ignoringEos = Logits(0, 0, 0, 0, 0, 0, 0, 1, 3, 5);
        Assert.That(sampler.Sample(MakeRequest(parameters with { IgnoreEos = true }, outputs: [1]), ignoringEos), Is.EqualTo(Eos), "EOS is not a stop token when ignored");
    }

    [Test]
    public void PenaltiesChangeLogitsExactlyAsSpecified()
    {
        var sampler = new Sampler(5);
        var parameters = new SamplingParameters { Temperature = 0, RepetitionPenalty = 2f, FrequencyPenalty = 0.5f, PresencePenalty = 0.25f };
        var logits = Logits(1f, 2f, 4f, -1f, 3f);
        sampler.Sample(MakeRequest(parameters, prompt: [1, 2], outputs: [2, 3, 3]), logits);

        // token 1: prompt only -> 2 / 2; token 2: prompt and once in output -> 4 / 2 - 0.5 - 0.25;
        // token 3: twice in output, negative -> -1 * 2 - 2 * 0.5 - 0.25; tokens 0 and 4 untouched.
        Assert.That(logits, Is.EqualTo(new[] { 1f, 1f, 1.25f, -3.25f, 3f }));
    }

    [Test]
    public void TheSampledTokenIsCountedForLaterPenalties()
    {
        var sampler = new Sampler(3);
        var request = MakeRequest(new SamplingParameters { Temperature = 0, PresencePenalty = 2f });
        Assert.That(sampler.Sample(request, Logits(0, 1, 0.5f)), Is.EqualTo(1));
        request.AppendOutputToken(1);
        Assert.That(sampler.Sample(request, Logits(0, 1, 0.5f)), Is.EqualTo(2));
    }

    private static readonly float[] s_probabilities = [0.4f, 0.25f, 0.15f, 0.1f, 0.06f, 0.04f];

    private static IEnumerable<TestCaseData> DistributionCases()
    {
        static double[] Normalise(IEnumerable<double> p)
        {
            var a = p.ToArray();
            var sum = a.Sum();
            return a.Select(x => x / sum).ToArray();
        }
        var p = s_probabilities.Select(x => (double)x).ToArray();
        yield return new TestCaseData(new SamplingParameters { Seed = 1 }, p).SetName("Temperature1");
        yield return new TestCaseData(new SamplingParameters { Seed = 2, Temperature = 0.5f }, Normalise(p.Select(x => x * x))).SetName("Temperature0.5");
        yield return new TestCaseData(new SamplingParameters { Seed = 3, Temperature = 2f }, Normalise(p.Select(Math.Sqrt))).SetName("Temperature2");
        yield return new TestCaseData(new SamplingParameters { Seed = 4, TopK = 3 }, Normalise([0.4, 0.25, 0.15, 0, 0, 0])).SetName("TopK3");
        yield return new TestCaseData(new SamplingParameters { Seed = 5, TopP = 0.7f }, Normalise([0.4, 0.25, 0.15, 0, 0, 0])).SetName("TopP0.7");
        yield return new TestCaseData(new SamplingParameters { Seed = 6, TopP = 0.3f }, Normalise([1, 0, 0, 0, 0, 0])).SetName("TopP0.3");
        yield return new TestCaseData(new SamplingParameters { Seed = 7, MinP = 0.5f }, Normalise([0.4, 0.25, 0, 0, 0, 0])).SetName("MinP0.5");
        yield return new TestCaseData(new SamplingParameters { Seed = 8, TopK = 4, TopP = 0.8f }, Normalise([0.4, 0.25, 0.15, 0, 0, 0])).SetName("TopK4ThenTopP0.8");
    }

    [TestCaseSource(nameof(DistributionCases))]
    public void DrawsFollowTheExpectedDistribution(SamplingParameters parameters, double[] expected)
    {
        // 32 tokens so the SIMD paths run; the 26 padding tokens are masked and must never be drawn.
        const int Vocab = 32;
        const int Draws = 20_000;
        var sampler = new Sampler(Vocab);
        var request = MakeRequest(parameters);
        var counts = new int[Vocab];
        var logits = new float[Vocab];
        for (var i = 0; i < Draws; i++)
        {
            Array.Fill(logits, float.NegativeInfinity);
            for (var t = 0; t < s_probabilities.Length; t++)
            {
                logits[t] = MathF.Log(s_probabilities[t]) + 3f;
            }
            counts[sampler.Sample(request, logits)]++;
        }
        Assert.That(counts.Skip(s_probabilities.Length), Is.All.Zero);

        var chiSquare = 0.0;
        var categories = 0;
        for (var t = 0; t < expected.Length; t++)
        {
            if (expected[t] == 0)
            {
                Assert.That(counts[t], Is.Zero, $"token {t} must be filtered out");
                continue;
            }
            var e = expected[t] * Draws;
            chiSquare += (counts[t] - e) * (counts[t] - e) / e;
            categories++;
        }
        if (categories == 1)
        {
            return;
        }
        // Critical values of chi-square at p = 0.001 for 0..5 degrees of freedom.
        double[] critical = [0, 10.83, 13.82, 16.27, 18.47, 20.52];
        Assert.That(chiSquare, Is.LessThan(critical[categories - 1]), $"counts {string.Join(",", counts.Take(6))}");
    }

    [Test]
    public void TopPOnALargeVocabularyDrawsOnlyFromTheNucleus()
    {
        const int Vocab = 8192;
        var random = new Random(42);
        var raw = new float[Vocab];
        for (var i = 0; i < Vocab; i++)
        {
            raw[i] = (float)(random.NextDouble() * 12);
        }
        var order = Enumerable.Range(0, Vocab).OrderByDescending(i => raw[i]).ToArray();
        var max = raw.Max();
        var weights = raw.Select(x => Math.Exp(x - max)).ToArray();
        var total = weights.Sum();
        var nucleus = new HashSet<int>();
        var mass = 0.0;
        foreach (var id in order)
        {
            nucleus.Add(id);
            mass += weights[id];
            if (mass >= 0.5 * total)
            {
                break;
            }
        }

        var sampler = new Sampler(Vocab);
        var request = MakeRequest(new SamplingParameters { Seed = 9, TopP = 0.5f });
        var logits = new float[Vocab];
        var drawn = new HashSet<int>();
        for (var i = 0; i < 200; i++)
        {
            raw.CopyTo(logits, 0);
            var token = sampler.Sample(request, logits);
            Assert.That(nucleus.Contains(token), Is.True, $"token {token} is outside the nucleus");
            drawn.Add(token);
        }
        Assert.That(drawn.Count, Is.GreaterThan(50), "draws spread over the nucleus");
    }

    [Test]
    public void TopKOverWidelySpreadLogitsKeepsExactlyTheKLargest()
    {
        const int Vocab = 1000;
        var raw = Enumerable.Range(0, Vocab).Select(i => (float)((i * 7919) % Vocab) / 10f).ToArray();
        var topK = raw.Select((value, id) => (value, id)).OrderByDescending(t => t.value).Take(300).Select(t => t.id).ToHashSet();
        var sampler = new Sampler(Vocab);
        var request = MakeRequest(new SamplingParameters { Seed = 4, TopK = 300, Temperature = 100f });
        var drawn = new HashSet<int>();
        for (var i = 0; i < 500; i++)
        {
            var token = sampler.Sample(request, (float[])raw.Clone());
            Assert.That(topK.Contains(token), Is.True, $"token {token} is not among the 300 largest");
            drawn.Add(token);
        }
        Assert.That(drawn.Min(id => raw[id]), Is.LessThan(raw.OrderByDescending(v => v).ElementAt(250)), "draws reach the bottom of the top 300");
    }

    [Test]
    public void ASeededGeneratorDrawsTheSameWhateverIsSampledInBetween()
    {
        var sampler = new Sampler(64);
        var random = new Random(3);
        var rows = Enumerable.Range(0, 20).Select(_ => Enumerable.Range(0, 64).Select(_ => (float)random.NextDouble() * 4).ToArray()).ToArray();
        var parameters = new SamplingParameters { Seed = 77, Temperature = 0.8f, TopP = 0.9f };

        var alone = MakeRequest(parameters);
        var aloneTokens = rows.Select(r => sampler.Sample(alone, (float[])r.Clone())).ToArray();

        var batched = MakeRequest(parameters);
        var neighbour = MakeRequest(new SamplingParameters { Seed = 5, Temperature = 1.3f, TopK = 7 });
        var batchedTokens = new List<int>();
        foreach (var row in rows)
        {
            sampler.Sample(neighbour, (float[])row.Clone());
            batchedTokens.Add(sampler.Sample(batched, (float[])row.Clone()));
            sampler.Sample(neighbour, (float[])row.Clone());
        }
        Assert.That(batchedTokens, Is.EqualTo(aloneTokens));
    }

    [Test]
    public void LogprobsAreThoseOfTheRawLogitsWithRanks()
    {
        var sampler = new Sampler(4);
        var buffer = new LogprobsBuffer();
        var raw = Logits(1f, 2f, 3f, 0.5f);
        var logSumExp = MathF.Log(raw.Sum(MathF.Exp));

        // Only token 0 is allowed, yet its log-probability and rank are those of the raw distribution.
        var token = sampler.Sample(MakeRequest(new SamplingParameters { Temperature = 0, AllowedTokenIds = [0], Logprobs = 2 }), (float[])raw.Clone(), buffer);
        Assert.That(token, Is.Zero);
        Assert.That(buffer.ChosenTokenId, Is.Zero);
        Assert.That(buffer.ChosenLogprob, Is.EqualTo(1f - logSumExp).Within(1e-5));
        Assert.That(buffer.ChosenRank, Is.EqualTo(3));
        Assert.That(buffer.NumTop, Is.EqualTo(2));
        Assert.That(buffer.TopTokenIds.Take(2), Is.EqualTo(new[] { 2, 1 }));
        Assert.That(buffer.TopLogprobs[0], Is.EqualTo(3f - logSumExp).Within(1e-5));
        Assert.That(buffer.TopLogprobs[1], Is.EqualTo(2f - logSumExp).Within(1e-5));
    }

    [Test]
    public void NaNLogitsAndAFullyMaskedRowThrow()
    {
        var sampler = new Sampler(3);
        Assert.Throws<InvalidOperationException>(() => sampler.Sample(MakeRequest(SamplingParameters.Greedy), Logits(0, float.NaN, 1)));
        Assert.Throws<InvalidOperationException>(() => sampler.Sample(MakeRequest(SamplingParameters.Greedy), Logits(float.NegativeInfinity, float.NegativeInfinity, float.NegativeInfinity)));
    }

    [Test]
    public void KthLargestMatchesSorting()
    {
        var random = new Random(11);
        for (var n = 1; n < 200; n += 7)
        {
            var values = Enumerable.Range(0, n).Select(_ => (float)random.Next(0, 20)).ToArray();
            var sorted = values.OrderByDescending(v => v).ToArray();
            for (var k = 1; k <= n; k += 3)
            {
                Assert.That(Selection.KthLargest((float[])values.Clone(), k), Is.EqualTo(sorted[k - 1]), $"n={n} k={k}");
            }
        }
    }
}
