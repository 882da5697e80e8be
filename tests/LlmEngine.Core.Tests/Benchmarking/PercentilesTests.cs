using LlmEngine.Cli.Benchmarking;
using NUnit.Framework;

namespace LlmEngine.Tests.Benchmarking;

public class PercentilesTests
{
    [Test]
    public void PercentilesInterpolateBetweenTheSortedSamplesAsNumpyDoes()
    {
        double[] values = [4, 1, 3, 2];
        Assert.That(Percentiles.Median(values), Is.EqualTo(2.5));
        Assert.That(Percentiles.Min(values), Is.EqualTo(1));
        Assert.That(Percentiles.Max(values), Is.EqualTo(4));
        Assert.That(Percentiles.Of(values, 99), Is.EqualTo(3.97).Within(1e-12));
        Assert.That(Percentiles.Of(values, 25), Is.EqualTo(1.75).Within(1e-12));
        Assert.That(Percentiles.Mean(values), Is.EqualTo(2.5));
    }

    [Test]
    public void NoSamplesGiveNaN()
    {
        Assert.That(Percentiles.Median([]), Is.NaN);
        Assert.That(Percentiles.Mean([]), Is.NaN);
    }

    [Test]
    public void APercentileOutsideZeroToHundredIsRejected() =>
        Assert.That(() => Percentiles.Of([1.0], 101), Throws.InstanceOf<ArgumentOutOfRangeException>());

    [Test]
    public void TheLatencyResultTakesTheFastestAndTheMedianRun()
    {
        var result = new LatencyResult([new LatencyRun(100, 11, 1.0, 1.0), new LatencyRun(100, 11, 0.5, 2.0), new LatencyRun(100, 11, 0.25, 0.5)]);
        Assert.That(result.BestPromptTokensPerSecond, Is.EqualTo(400));
        Assert.That(result.MedianPromptTokensPerSecond, Is.EqualTo(200));
        Assert.That(result.BestGenerationTokensPerSecond, Is.EqualTo(20), "ten tokens after the first in half a second");
        Assert.That(result.MedianGenerationTokensPerSecond, Is.EqualTo(10));
        Assert.That(result.MedianTimeToFirstTokenSeconds, Is.EqualTo(0.5));
    }

    [Test]
    public void CpuTimeRatesCountOnlyTheCpuSecondsSpent()
    {
        var run = new LatencyRun(100, 11, PromptSeconds: 2, GenerationSeconds: 4, PromptCpuSeconds: 0.5, GenerationCpuSeconds: 1);
        Assert.That(run.PromptTokensPerCpuSecond, Is.EqualTo(200));
        Assert.That(run.GenerationTokensPerCpuSecond, Is.EqualTo(10));
        Assert.That(new LatencyRun(100, 11, 2, 4).PromptTokensPerCpuSecond, Is.NaN, "no CPU time measured");
        var rate = ProbeRate.Of(amount: 1000, wallSeconds: 2, cpuSeconds: 1, threads: 2);
        Assert.That(rate, Is.EqualTo(new ProbeRate(500, 2000)), "two threads that got half a core-second each would do 1000 in half a second");
    }
}
