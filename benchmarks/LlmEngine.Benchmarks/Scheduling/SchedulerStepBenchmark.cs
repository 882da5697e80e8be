using BenchmarkDotNet.Attributes;
using LlmEngine.KVCache;
using LlmEngine.Scheduling;

namespace LlmEngine.Benchmarks.Scheduling;

/// <summary>
/// One scheduler step with 256 running (decoding) requests and 1,000 waiting: schedule, mark the step computed,
/// append each sampled token; a request that reaches 512 output tokens finishes and a fresh one joins the queue,
/// so the benchmark runs in a steady state with some admissions and prefix-cache lookups.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
public class SchedulerStepBenchmark
{
    private const int PromptLength = 64;
    private const int MaxOutput = 512;
    private Scheduler _scheduler = null!;
    private long _arrival;

    [Params(256)]
    public int Running { get; set; }

    [Params(1000)]
    public int Waiting { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var blocksPerRequest = (PromptLength + MaxOutput) / 16 + 1;
        var kv = new KVCacheManager(Running * blocksPerRequest + 64, 16, enablePrefixCaching: true);
        _scheduler = new Scheduler(new SchedulerConfig(Running, 8192, 4096, true, SchedulingPolicy.Fcfs), kv);
        for (var i = 0; i < Running + Waiting; i++)
        {
            _scheduler.AddRequest(NewRequest());
        }
        // Admit the first 256 and run their prefill, so the measured steps are decode steps.
        for (var i = 0; i < 4; i++)
        {
            Step();
        }
    }

    [Benchmark]
    public int Step()
    {
        var output = _scheduler.Schedule();
        _scheduler.OnStepComputed(output);
        for (var i = 0; i < output.NumScheduledRequests; i++)
        {
            var request = output.GetScheduledRequest(i);
            if (request.NumComputedTokens < request.NumTokens)
            {
                continue;
            }
            request.AppendOutputToken(7 + request.NumOutputTokens % 100);
            if (request.NumOutputTokens >= MaxOutput)
            {
                _scheduler.FinishRequest(request, RequestStatus.FinishedLength);
                _scheduler.AddRequest(NewRequest());
            }
        }
        return output.TotalNumScheduledTokens;
    }

    private Request NewRequest()
    {
        var id = _arrival++;
        var prompt = new int[PromptLength];
        for (var i = 0; i < prompt.Length; i++)
        {
            prompt[i] = (int)((id * 31 + i * 7) % 32000);
        }
        return new Request($"r{id}", prompt, SamplingParameters.Greedy, MaxOutput, id);
    }
}
