using LlmEngine.KVCache;

namespace LlmEngine.Scheduling;

/// <summary>
/// The continuous-batching scheduler (vLLM v1's <c>Scheduler</c>): each step hands out one token budget, first to the
/// running requests (a decode token, or the next chunk of a prompt), then to waiting ones in policy order. There is
/// no prefill or decode phase: every request has <see cref="Request.NumComputedTokens"/> chasing
/// <see cref="Request.NumTokens"/>. When blocks run out a running request is preempted by recompute: its blocks are
/// freed and it goes back to the front of the queue, to resume with the same tokens.
/// </summary>
internal sealed class Scheduler
{
    private readonly SchedulerConfig _config;
    private readonly KVCacheManager _kvCacheManager;
    private readonly List<Request> _running = [];
    private readonly RequestQueue _waiting;
    private readonly SchedulerOutput _output = new();
    private readonly List<KVCacheBlock> _hits = [];
    private readonly List<Request> _skipped = [];
    private readonly List<string> _finishedSinceLastStep = [];

    public Scheduler(SchedulerConfig config, KVCacheManager kvCacheManager)
    {
        _config = config;
        _kvCacheManager = kvCacheManager;
        _waiting = RequestQueue.Create(config.Policy);
    }

    public SchedulerConfig Config => _config;

    public KVCacheManager KVCacheManager => _kvCacheManager;

    public IReadOnlyList<Request> Running => _running;

    public int NumRunning => _running.Count;

    public int NumWaiting => _waiting.Count;

    public bool HasUnfinishedRequests => _running.Count > 0 || _waiting.Count > 0;

    /// <summary>Running requests preempted so far.</summary>
    public long NumPreemptions { get; private set; }

    /// <summary>Queues a new request.</summary>
    public void AddRequest(Request request)
    {
        request.Status = RequestStatus.Waiting;
        _waiting.Add(request);
    }

    /// <summary>Decides what the next step computes. The returned object is reused by the next call.</summary>
    public SchedulerOutput Schedule()
    {
        var output = _output;
        output.Clear();
        output.FinishedRequestIds.AddRange(_finishedSinceLastStep);
        _finishedSinceLastStep.Clear();
        var budget = _config.MaxNumBatchedTokens;

        var i = 0;
        while (i < _running.Count && budget > 0)
        {
            var request = _running[i];
            var numNewTokens = request.NumTokens - request.NumComputedTokens;
            if (numNewTokens <= 0 || (!_config.EnableChunkedPrefill && numNewTokens > budget))
            {
                i++;
                continue;
            }
            numNewTokens = Math.Min(numNewTokens, budget);
            var scheduled = true;
            while (!_kvCacheManager.AllocateSlots(request, numNewTokens))
            {
                var victimIndex = PickVictim();
                var victim = _running[victimIndex];
                budget += Preempt(victimIndex);
                if (victimIndex < i)
                {
                    i--;
                }
                if (victim == request)
                {
                    scheduled = false;
                    break;
                }
            }
            if (!scheduled)
            {
                break;
            }
            request.NumScheduledTokens = numNewTokens;
            output.ScheduledCachedRequests.Add(request);
            budget -= numNewTokens;
            i++;
        }

        // As in vLLM, nothing is admitted in a step that had to preempt: the pool is already too tight.
        if (output.PreemptedRequests.Count == 0)
        {
            ScheduleWaiting(output, ref budget);
        }
        output.TotalNumScheduledTokens = _config.MaxNumBatchedTokens - budget;
        return output;
    }

    /// <summary>Advances every scheduled request past the tokens the step computed and caches their full blocks.</summary>
    public void OnStepComputed(SchedulerOutput output)
    {
        for (var i = 0; i < output.NumScheduledRequests; i++)
        {
            var request = output.GetScheduledRequest(i);
            if (request.IsFinished)
            {
                continue;
            }
            request.NumComputedTokens += request.NumScheduledTokens;
            _kvCacheManager.CacheComputedBlocks(request);
        }
    }

    /// <summary>Ends a request wherever it is (running or waiting) and frees its blocks. No-op if it already ended.</summary>
    public void FinishRequest(Request request, RequestStatus status)
    {
        if (status < RequestStatus.FinishedStopped)
        {
            throw new ArgumentOutOfRangeException(nameof(status), status, "Not a finished status.");
        }
        if (request.IsFinished)
        {
            return;
        }
        if (request.Status == RequestStatus.Running)
        {
            _running.Remove(request);
        }
        else
        {
            _waiting.Remove(request);
        }
        request.Status = status;
        _kvCacheManager.Free(request);
        _finishedSinceLastStep.Add(request.RequestId);
    }

    private void ScheduleWaiting(SchedulerOutput output, ref int budget)
    {
        while (_waiting.Count > 0 && budget > 0 && _running.Count < _config.MaxNumSeqs)
        {
            var request = _waiting.Peek();
            if (request.PrefillLeader is { } leader && !leader.IsFinished && leader.NumComputedTokens < leader.NumPromptTokens)
            {
                // A sibling of an n > 1 request waits for the first one's prompt so it can share the cached prompt blocks.
                _skipped.Add(_waiting.Pop());
                continue;
            }
            var numComputedTokens = _kvCacheManager.GetComputedBlocks(request, _hits);
            var numNewTokens = request.NumTokens - numComputedTokens;
            if (!_config.EnableChunkedPrefill && numNewTokens > budget)
            {
                break;
            }
            numNewTokens = Math.Min(numNewTokens, budget);
            if (!_kvCacheManager.AllocateSlots(request, numNewTokens, _hits, numComputedTokens))
            {
                break;
            }
            _waiting.Pop();
            if (request.NumCachedTokens < 0)
            {
                request.NumCachedTokens = numComputedTokens;
                _kvCacheManager.RecordPrefixCacheLookup(request.NumTokens, numComputedTokens);
            }
            request.NumComputedTokens = numComputedTokens;
            request.Status = RequestStatus.Running;
            request.NumScheduledTokens = numNewTokens;
            _running.Add(request);
            output.ScheduledNewRequests.Add(request);
            budget -= numNewTokens;
        }
        for (var i = _skipped.Count - 1; i >= 0; i--)
        {
            _waiting.AddFront(_skipped[i]);
        }
        _skipped.Clear();
    }

    private int PickVictim()
    {
        if (_config.Policy == SchedulingPolicy.Fcfs)
        {
            return _running.Count - 1;
        }
        var victim = 0;
        for (var i = 1; i < _running.Count; i++)
        {
            if (PriorityRequestQueue.PriorityComparer.Instance.Compare(_running[i], _running[victim]) > 0)
            {
                victim = i;
            }
        }
        return victim;
    }

    /// <summary>Preempts the running request at <paramref name="index"/>; returns the budget it gives back.</summary>
    private int Preempt(int index)
    {
        var victim = _running[index];
        _running.RemoveAt(index);
        var returned = 0;
        if (_output.ScheduledCachedRequests.Remove(victim))
        {
            returned = victim.NumScheduledTokens;
        }
        victim.NumScheduledTokens = 0;
        _kvCacheManager.Free(victim);
        victim.NumComputedTokens = 0;
        victim.Status = RequestStatus.Preempted;
        victim.NumPreemptions++;
        NumPreemptions++;
        _waiting.AddFront(victim);
        _output.PreemptedRequests.Add(victim);
        return returned;
    }
}
