using BenchmarkDotNet.Attributes;
using LlmEngine.Sampling;
using LlmEngine.Scheduling;

namespace LlmEngine.Benchmarks.Sampling;

/// <summary>
/// Samples one token for each request of a batch from LLM-like logits (ten strong candidates over a Gaussian
/// background, so the top-p nucleus is small as in real next-token distributions). Divide the time by <see cref="BatchSize"/> for the cost per token.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
public class SamplerBenchmark
{
    private Sampler _sampler = null!;
    private Request[] _requests = null!;
    private float[] _logits = null!;

    [Params(16, 64)]
    public int BatchSize { get; set; }

    [Params(32_000, 151_936)]
    public int VocabularySize { get; set; }

    [Params("greedy", "top-p+penalties", "top-k+min-p")]
    public string Mode { get; set; } = "greedy";

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        _sampler = new Sampler(VocabularySize);
        _logits = new float[BatchSize * VocabularySize];
        for (var i = 0; i < _logits.Length; i++)
        {
            // Box-Muller: a standard normal background, scaled like real logits.
            var u = 1.0 - random.NextDouble();
            var v = random.NextDouble();
            _logits[i] = (float)(2.0 * Math.Sqrt(-2.0 * Math.Log(u)) * Math.Cos(2 * Math.PI * v));
        }
        for (var b = 0; b < BatchSize; b++)
        {
            for (var k = 0; k < 10; k++)
            {
                _logits[b * VocabularySize + random.Next(VocabularySize)] += 20f - k;
            }
        }
        var parameters = Mode switch
        {
            "greedy" => SamplingParameters.Greedy,
            "top-p+penalties" => new SamplingParameters { TopP = 0.9f, RepetitionPenalty = 1.1f, FrequencyPenalty = 0.2f, PresencePenalty = 0.1f, Seed = 3 },
            _ => new SamplingParameters { TopK = 50, MinP = 0.05f, Seed = 3 },
        };
        _requests = new Request[BatchSize];
        for (var b = 0; b < BatchSize; b++)
        {
            var prompt = new int[256];
            for (var i = 0; i < prompt.Length; i++)
            {
                prompt[i] = random.Next(VocabularySize);
            }
            var request = new Request($"r{b}", prompt, parameters, 4096, b);
            request.SamplingState = new SamplingState(parameters, b, [2], []);
            for (var i = 0; i < 128; i++)
            {
                var token = random.Next(VocabularySize);
                request.AppendOutputToken(token);
            }
            _requests[b] = request;
        }
    }

    [Benchmark]
    public int SampleBatch()
    {
        var sum = 0;
        for (var b = 0; b < BatchSize; b++)
        {
            sum += _sampler.Sample(_requests[b], _logits.AsSpan(b * VocabularySize, VocabularySize));
        }
        return sum;
    }
}
