using LlmEngine.KVCache;
using LlmEngine.Scheduling;

namespace LlmEngine.Benchmarks.Engine;

/// <summary>
/// A 64-request run through the real <see cref="Scheduler"/> and <see cref="KVCacheManager"/> (block size 16), with
/// seeded prompt and output lengths, driven the way <c>EngineCore.Step</c> drives them: schedule, mark the step
/// computed, append a token to each request whose prompt is done, finish at its length. Only the model is left out,
/// so the figures are the cache manager's own. Waste is allocated-but-unused slots over allocated slots.
/// </summary>
internal static class KVCacheWasteScenario
{
    public const int NumRequests = 64;
    public const int BlockSize = 16;
    private const int MinLength = 16;
    private const int MaxLength = 512;
    private const int VocabularySize = 32000;

    /// <summary>Runs the scenario and returns its waste figures.</summary>
    public static KVCacheWasteResult Run(int seed)
    {
        var random = new Random(seed);
        var requests = new Request[NumRequests];
        var numBlocks = 0;
        for (var i = 0; i < requests.Length; i++)
        {
            var prompt = new int[random.Next(MinLength, MaxLength + 1)];
            for (var t = 0; t < prompt.Length; t++)
            {
                // Ids above the special tokens; random so no two prompts share a cached prefix.
                prompt[t] = random.Next(3, VocabularySize);
            }
            var maxTokens = random.Next(MinLength, MaxLength + 1);
            requests[i] = new Request($"r{i}", prompt, SamplingParameters.Greedy, maxTokens, i);
            numBlocks += (prompt.Length + maxTokens + BlockSize - 1) / BlockSize;
        }

        // A pool that holds every request at its longest, so waste is not hidden by preemption freeing blocks.
        var kv = new KVCacheManager(numBlocks, BlockSize, enablePrefixCaching: true);
        var scheduler = new Scheduler(new SchedulerConfig(NumRequests, 2048, 2 * MaxLength, true, SchedulingPolicy.Fcfs), kv);
        foreach (var request in requests)
        {
            scheduler.AddRequest(request);
        }

        long finishAllocated = 0, finishUsed = 0, stepAllocated = 0, stepUsed = 0;
        var peak = 0.0;
        while (scheduler.HasUnfinishedRequests)
        {
            var output = scheduler.Schedule();
            scheduler.OnStepComputed(output);

            // The cache as it stands after the step: every running request's blocks against the tokens they hold.
            long allocated = 0, used = 0;
            var running = scheduler.Running;
            for (var i = 0; i < running.Count; i++)
            {
                allocated += running[i].Blocks.Count * BlockSize;
                used += running[i].NumComputedTokens;
            }
            stepAllocated += allocated;
            stepUsed += used;
            if (allocated > 0)
            {
                peak = Math.Max(peak, 1.0 - (double)used / allocated);
            }

            for (var i = 0; i < output.NumScheduledRequests; i++)
            {
                var request = output.GetScheduledRequest(i);
                if (request.IsFinished || request.NumComputedTokens < request.NumTokens)
                {
                    continue;
                }
                request.AppendOutputToken(3 + (int)((request.ArrivalOrder * 131 + request.NumOutputTokens * 7) % (VocabularySize - 3)));
                if (request.NumOutputTokens >= request.MaxTokens)
                {
                    // The request's footprint at its end, just before its blocks go back to the pool.
                    finishAllocated += request.Blocks.Count * BlockSize;
                    finishUsed += request.NumComputedTokens;
                    scheduler.FinishRequest(request, RequestStatus.FinishedLength);
                }
            }
        }
        if (kv.NumFreeBlocks != numBlocks)
        {
            throw new InvalidOperationException($"{numBlocks - kv.NumFreeBlocks} blocks leaked at the end of the run.");
        }
        return new KVCacheWasteResult(
            1.0 - (double)finishUsed / finishAllocated,
            1.0 - (double)stepUsed / stepAllocated,
            peak,
            scheduler.NumPreemptions);
    }
}
