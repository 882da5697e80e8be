using System.Diagnostics;
using LlmEngine.Execution;
using LlmEngine.Execution.Cpu;
using LlmEngine.KVCache;
using LlmEngine.Sampling;
using LlmEngine.Scheduling;
using LlmEngine.Tokenization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlmEngine.Engine;

/// <summary>
/// The engine's state and its step (vLLM's <c>EngineCore</c>, nano-vllm's <c>step</c>): schedule, fill the batch,
/// run the executor, sample, check stops, report. Single-threaded by design: the engine loop thread is its only
/// caller, so nothing in it is locked. A request that throws while being stepped fails alone.
/// </summary>
internal sealed class EngineCore
{
    private readonly IModelExecutor _executor;
    private readonly ITokenizer _tokenizer;
    private readonly ILogger _logger;
    private readonly Scheduler _scheduler;
    private readonly Sampler _sampler;
    private readonly BatchSampler _batchSampler;
    private readonly CpuWorkerPool? _pool;
    private readonly int[] _sampleIndex;
    private readonly ForwardBatch _batch;
    private readonly ForwardBatchBuilder _batchBuilder;
    private readonly LogprobsBuffer _logprobs = new();
    private readonly int[] _endOfGenerationTokenIds;
    private readonly Dictionary<string, RequestState> _requests = [];
    private readonly List<RequestState> _toReport = [];
    private readonly int _vocabularySize;
    private float[] _logits;
    private float[] _isolationLogits = [];
    private long _stepComputedAt;

    public EngineCore(IModelExecutor executor, ITokenizer tokenizer, SchedulerConfig config, int numBlocks, bool enablePrefixCaching, ILogger? logger = null)
    {
        _executor = executor;
        _tokenizer = tokenizer;
        _logger = logger ?? NullLogger.Instance;
        _vocabularySize = executor.VocabularySize;
        KVCacheManager = new KVCacheManager(numBlocks, executor.BlockSize, enablePrefixCaching);
        _scheduler = new Scheduler(config, KVCacheManager);
        _sampler = new Sampler(_vocabularySize);
        _pool = (executor as IWorkerPoolProvider)?.WorkerPool;
        _batchSampler = new BatchSampler(_sampler, _pool?.ThreadCount ?? 1, config.MaxNumSeqs);
        _sampleIndex = new int[config.MaxNumSeqs];
        _batch = new ForwardBatch(config.MaxNumBatchedTokens, config.MaxNumSeqs);
        _batchBuilder = new ForwardBatchBuilder(executor.BlockSize);
        _logits = new float[Math.Min(config.MaxNumSeqs, 8) * _vocabularySize];
        _endOfGenerationTokenIds = [.. tokenizer.EndOfGenerationTokenIds];
    }

    public Scheduler Scheduler => _scheduler;

    public KVCacheManager KVCacheManager { get; }

    public bool HasUnfinishedRequests => _scheduler.HasUnfinishedRequests;

    /// <summary>Requests the loop knows (not yet finished).</summary>
    public int NumRequests => _requests.Count;

    /// <summary>Called on the loop thread when a request's stream has ended, so its id can be reused.</summary>
    public Action<string>? RequestEnded { get; set; }

    public long NumPromptTokensProcessed { get; private set; }

    public long NumGenerationTokens { get; private set; }

    public long NumSteps { get; private set; }

    public long NumFinishedRequests { get; private set; }

    public void AddRequest(RequestState state)
    {
        _requests.Add(state.RequestId, state);
        foreach (var completion in state.Completions)
        {
            _scheduler.AddRequest(completion.Request);
        }
    }

    /// <summary>Aborts a request: its stream ends with <see cref="FinishReason.Abort"/>, its blocks go back at once.</summary>
    public bool Abort(string requestId)
    {
        if (!_requests.TryGetValue(requestId, out var state))
        {
            return false;
        }
        foreach (var completion in state.Completions)
        {
            if (!completion.IsFinished)
            {
                _scheduler.FinishRequest(completion.Request, RequestStatus.FinishedAborted);
                completion.Finish(FinishReason.Abort, null);
            }
        }
        Report(state);
        return true;
    }

    /// <summary>Ends every request with <paramref name="error"/> (engine shutdown or an unrecoverable step).</summary>
    public void FailAll(Exception error)
    {
        foreach (var state in _requests.Values.ToArray())
        {
            Fail(state, error);
        }
    }

    /// <summary>Runs one engine step; returns false when nothing was scheduled.</summary>
    public bool Step()
    {
        if (!ExecuteStep())
        {
            return false;
        }
        ProcessOutputs();
        return true;
    }

    /// <summary>
    /// The engine-side part of a step (vLLM's <c>EngineCore.step</c>): schedule, run the executor, sample, detokenize,
    /// check stops, and queue the requests that have something to report. Allocates nothing in steady decode.
    /// Returns false when nothing was scheduled.
    /// </summary>
    public bool ExecuteStep()
    {
        var output = _scheduler.Schedule();
        if (output.NumScheduledRequests == 0)
        {
            return false;
        }
        NumSteps++;
        MarkScheduled(output);
        var numRows = _batchBuilder.Fill(output, _batch);
        EnsureLogitsCapacity(ref _logits, numRows);
        try
        {
            _executor.Execute(_batch, _logits.AsSpan(0, numRows * _vocabularySize));
        }
        catch (Exception error)
        {
            ExecuteIsolated(output, error);
        }
        _scheduler.OnStepComputed(output);
        _stepComputedAt = Stopwatch.GetTimestamp();
        SampleRows(output);

        for (var i = 0; i < output.NumScheduledRequests; i++)
        {
            var request = output.GetScheduledRequest(i);
            if (request.IsFinished)
            {
                continue;
            }
            CountProcessedTokens(request);
            var completion = (CompletionState)request.Owner!;
            try
            {
                ProcessRequest(request, completion, _sampleIndex[i]);
            }
            catch (Exception error)
            {
                Fail(completion.Parent, error);
            }
        }
        return true;
    }

    /// <summary>
    /// Writes the outputs queued by <see cref="ExecuteStep"/> to the requests' streams (vLLM's output processor): each
    /// is a new <see cref="RequestOutput"/> the consumer keeps, so this part allocates per reported request.
    /// </summary>
    public void ProcessOutputs()
    {
        foreach (var state in _toReport)
        {
            state.PendingOutput = false;
            if (!state.IsFinished)
            {
                Report(state);
            }
        }
        _toReport.Clear();
    }

    // Every row is drawn before any request is processed, so the draws can run in parallel; a constrained request's
    // row is drawn when it is processed, on this thread, because its constraint state advances with each token.
    private void SampleRows(SchedulerOutput output)
    {
        _batchSampler.Clear();
        for (var i = 0; i < output.NumScheduledRequests; i++)
        {
            var request = output.GetScheduledRequest(i);
            _sampleIndex[i] = !request.IsFinished && request.HasSampleRow && request.SamplingState?.Constraint is null
                ? _batchSampler.Add(request, request.LogitsRowStart + request.NumPromptLogprobRows)
                : -1;
        }
        _batchSampler.Run(_logits, _pool);
    }

    private void ProcessRequest(Request request, CompletionState completion, int sampleIndex)
    {
        var state = completion.Parent;
        if (request.NumPromptLogprobRows > 0)
        {
            ComputePromptLogprobs(request, state);
        }
        if (request.NumPromptLogprobs is not null && request.NumComputedTokens >= request.NumPromptTokens - 1)
        {
            request.PromptLogprobsComplete = true;
        }
        if (!request.HasSampleRow)
        {
            return;
        }

        int token;
        var logprobs = _logprobs;
        if (sampleIndex >= 0)
        {
            token = _batchSampler.Token(sampleIndex);
            logprobs = _batchSampler.Logprobs(sampleIndex);
        }
        else
        {
            var row = request.LogitsRowStart + request.NumPromptLogprobRows;
            token = _sampler.Sample(request, _logits.AsSpan(row * _vocabularySize, _vocabularySize), _logprobs);
        }
        request.AppendOutputToken(token);
        NumGenerationTokens++;
        state.MarkToken(_stepComputedAt);
        if (completion.Logprobs is not null)
        {
            completion.Logprobs.Add(ToPositionLogprobs(logprobs));
        }

        var status = StopChecker.Check(request, _scheduler.Config.MaxModelLength, _endOfGenerationTokenIds, completion.StopTokenIds, out var stopReason);
        var constraintComplete = false;
        if (request.SamplingState?.Constraint is { } constraint && !_endOfGenerationTokenIds.AsSpan().Contains(token))
        {
            constraint.Accept(token);
            constraintComplete = constraint.IsComplete;
        }
        string? stopString = null;
        if (status != RequestStatus.FinishedStopped || request.Parameters.IncludeStopStringInOutput)
        {
            stopString = completion.AppendText(completion.Detokenizer.Append(token));
        }
        if (stopString is not null)
        {
            status = RequestStatus.FinishedStopped;
            stopReason = stopString;
        }
        else if (status is null && constraintComplete && !request.Parameters.IgnoreEos)
        {
            // A finished constraint (a closed JSON value, a full regex match, a whole choice) ends the output without EOS;
            // under ignore_eos it is an EOS like any other, and the output goes on (end tokens only) to max_tokens.
            status = RequestStatus.FinishedStopped;
        }
        completion.HasUpdate = true;
        if (status is { } finished)
        {
            _scheduler.FinishRequest(request, finished);
            completion.Finish(finished == RequestStatus.FinishedLength ? FinishReason.Length : FinishReason.Stop, stopReason);
        }
        if (!state.PendingOutput)
        {
            state.PendingOutput = true;
            _toReport.Add(state);
        }
    }

    /// <summary>Stamps the requests this step schedules for the first time (their queue time ends here).</summary>
    private void MarkScheduled(SchedulerOutput output)
    {
        long now = 0;
        for (var i = 0; i < output.NumScheduledRequests; i++)
        {
            var state = ((CompletionState)output.GetScheduledRequest(i).Owner!).Parent;
            if (state.FirstScheduledTimestamp != 0)
            {
                continue;
            }
            if (now == 0)
            {
                now = Stopwatch.GetTimestamp();
            }
            state.FirstScheduledTimestamp = now;
        }
    }

    private void ComputePromptLogprobs(Request request, RequestState state)
    {
        var numTop = request.NumPromptLogprobs!.Value;
        for (var j = 0; j < request.NumPromptLogprobRows; j++)
        {
            var position = request.NumComputedTokens - request.NumScheduledTokens + j;
            var row = _logits.AsSpan((request.LogitsRowStart + j) * _vocabularySize, _vocabularySize);
            _sampler.ComputeLogprobs(row, request.GetTokenId(position + 1), numTop, _logprobs);
            state.PromptLogprobs![position + 1] = ToPositionLogprobs(_logprobs);
        }
    }

    private PositionLogprobs ToPositionLogprobs(LogprobsBuffer buffer)
    {
        var top = new TokenLogprob[buffer.NumTop];
        for (var i = 0; i < top.Length; i++)
        {
            var id = buffer.TopTokenIds[i];
            top[i] = new TokenLogprob(id, buffer.TopLogprobs[i], i + 1, TokenText(id));
        }
        var chosen = new TokenLogprob(buffer.ChosenTokenId, buffer.ChosenLogprob, buffer.ChosenRank, TokenText(buffer.ChosenTokenId));
        return new PositionLogprobs(chosen, top);
    }

    private string TokenText(int tokenId) =>
        tokenId < _tokenizer.VocabularySize ? System.Text.Encoding.UTF8.GetString(_tokenizer.GetTokenBytes(tokenId)) : string.Empty;

    private void CountProcessedTokens(Request request)
    {
        // A decode step computes the one token sampled last step; anything else is prompt (or recomputed) work.
        var isDecode = request.NumScheduledTokens == 1 && request.NumOutputTokens > 0 && request.NumComputedTokens == request.NumTokens;
        if (!isDecode)
        {
            NumPromptTokensProcessed += request.NumScheduledTokens;
        }
    }

    private void ExecuteIsolated(SchedulerOutput output, Exception firstError)
    {
        if (output.NumScheduledRequests == 1)
        {
            Fail(((CompletionState)output.GetScheduledRequest(0).Owner!).Parent, firstError);
            return;
        }
        EngineLog.IsolatingFailedStep(_logger, firstError, output.NumScheduledRequests);
        for (var i = 0; i < output.NumScheduledRequests; i++)
        {
            var request = output.GetScheduledRequest(i);
            if (request.IsFinished)
            {
                continue;
            }
            var globalRowStart = request.LogitsRowStart;
            var numRows = _batchBuilder.FillSingle(request, _batch);
            EnsureLogitsCapacity(ref _isolationLogits, numRows);
            try
            {
                _executor.Execute(_batch, _isolationLogits.AsSpan(0, numRows * _vocabularySize));
                _isolationLogits.AsSpan(0, numRows * _vocabularySize).CopyTo(_logits.AsSpan(globalRowStart * _vocabularySize));
            }
            catch (Exception error)
            {
                Fail(((CompletionState)request.Owner!).Parent, error);
            }
            request.LogitsRowStart = globalRowStart;
        }
    }

    private void Fail(RequestState state, Exception error)
    {
        EngineLog.RequestFailed(_logger, error, state.RequestId);
        foreach (var completion in state.Completions)
        {
            _scheduler.FinishRequest(completion.Request, RequestStatus.FinishedError);
        }
        End(state);
        state.Fail(error as LlmEngineRequestException
            ?? new LlmEngineRequestException(state.RequestId, $"Request '{state.RequestId}' failed: {error.Message}", error));
    }

    private void Report(RequestState state)
    {
        // The id is released before the last output is written, so a caller may reuse it as soon as it reads that output.
        if (state.AllCompletionsFinished)
        {
            EngineLog.RequestFinished(_logger, state.RequestId, state.Completions[0].FinishReason?.Value ?? "none");
            End(state);
        }
        state.Report();
    }

    private void End(RequestState state)
    {
        if (_requests.Remove(state.RequestId))
        {
            NumFinishedRequests++;
            RequestEnded?.Invoke(state.RequestId);
        }
    }

    private void EnsureLogitsCapacity(ref float[] buffer, int numRows)
    {
        var needed = (long)numRows * _vocabularySize;
        if (buffer.Length < needed)
        {
            buffer = new float[Math.Max(needed, Math.Min((long)buffer.Length * 2, Array.MaxLength))];
        }
    }
}
