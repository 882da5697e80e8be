using LlmEngine.Engine;
using LlmEngine.Execution.Cpu;
using LlmEngine.Sampling;
using LlmEngine.Scheduling;
using NUnit.Framework;

namespace LlmEngine.Tests.Engine;

public class BatchSamplerTests
{
    private const int Vocabulary = 40_000;

    private static readonly SamplingParameters[] s_parameters =
    [
        new() { Temperature = 0 },
        new() { Temperature = 0.8f, TopP = 0.9f, TopK = 50, Seed = 11 },
        new() { Temperature = 1.2f, MinP = 0.02f, Seed = 12, Logprobs = 3 },
        new() { Temperature = 0.7f, RepetitionPenalty = 1.2f, FrequencyPenalty = 0.5f, Seed = 13 },
        new() { Temperature = 1f, Seed = 14 },
        new() { Temperature = 0, Logprobs = 5 },
    ];

    private static Request[] Requests() => [.. s_parameters.Select((p, i) =>
    {
        var request = new Request($"r{i}", [1, 2, 3, i + 4], p, 100, i);
        request.SamplingState = new SamplingState(p, p.Seed ?? 1, [0], []);
        request.AppendOutputToken(7 + i);
        return request;
    })];

    private static float[] Logits(int rows)
    {
        var random = new Random(5);
        var logits = new float[rows * Vocabulary];
        for (var i = 0; i < logits.Length; i++)
        {
            logits[i] = (float)(random.NextDouble() * 12 - 6);
        }
        return logits;
    }

    [Test]
    public void ParallelDraws_EqualOneSamplerDrawingEachRowInTurn()
    {
        var rows = s_parameters.Length;
        var logits = Logits(rows);
        var serialLogits = (float[])logits.Clone();
        using var pool = new CpuWorkerPool(2);
        var sampler = new BatchSampler(new Sampler(Vocabulary), pool.ThreadCount, rows);
        var serial = new Sampler(Vocabulary);
        var parallelRequests = Requests();
        var serialRequests = Requests();

        for (var step = 0; step < 5; step++)
        {
            sampler.Clear();
            for (var i = 0; i < rows; i++)
            {
                Assert.That(sampler.Add(parallelRequests[i], rows - 1 - i), Is.EqualTo(i));
            }
            sampler.Run(logits, pool);
            for (var i = 0; i < rows; i++)
            {
                var logprobs = new LogprobsBuffer();
                var expected = serial.Sample(serialRequests[i], serialLogits.AsSpan((rows - 1 - i) * Vocabulary, Vocabulary), logprobs);
                Assert.That(sampler.Token(i), Is.EqualTo(expected), $"step {step}, row {i}");
                if (s_parameters[i].Logprobs is not null)
                {
                    Assert.That(sampler.Logprobs(i).ChosenLogprob, Is.EqualTo(logprobs.ChosenLogprob));
                    Assert.That(sampler.Logprobs(i).TopTokenIds.AsSpan(0, logprobs.NumTop).ToArray(), Is.EqualTo(logprobs.TopTokenIds.AsSpan(0, logprobs.NumTop).ToArray()));
                }
                parallelRequests[i].AppendOutputToken(sampler.Token(i));
                serialRequests[i].AppendOutputToken(expected);
            }
            logits = Logits(rows);
            serialLogits = (float[])logits.Clone();
        }
    }

    [Test]
    public void ARowOfNaN_FailsThatRowAlone()
    {
        var rows = s_parameters.Length;
        var logits = Logits(rows);
        logits[2 * Vocabulary + 17] = float.NaN;
        using var pool = new CpuWorkerPool(2);
        var sampler = new BatchSampler(new Sampler(Vocabulary), pool.ThreadCount, rows);
        var requests = Requests();
        for (var i = 0; i < rows; i++)
        {
            sampler.Add(requests[i], i);
        }
        sampler.Run(logits, pool);

        Assert.Throws<InvalidOperationException>(() => sampler.Token(2));
        for (var i = 0; i < rows; i++)
        {
            if (i != 2)
            {
                Assert.That(sampler.Token(i), Is.InRange(0, Vocabulary - 1));
            }
        }
    }
}
