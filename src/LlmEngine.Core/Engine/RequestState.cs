using System.Diagnostics;
using System.Threading.Channels;
using LlmEngine.Scheduling;

namespace LlmEngine.Engine;

/// <summary>
/// One caller's request on the engine side: its output channel and its n completions (each a scheduler
/// <see cref="Request"/>). Built and validated on the caller's thread, then owned by the engine loop thread.
/// </summary>
internal sealed class RequestState
{
    private readonly Channel<RequestOutput> _channel = Channel.CreateUnbounded<RequestOutput>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = true, AllowSynchronousContinuations = false });

    public RequestState(string requestId, int[] promptTokenIds, SamplingParameters parameters, int priority)
    {
        RequestId = requestId;
        PromptTokenIds = promptTokenIds;
        Parameters = parameters;
        Priority = priority;
        if (parameters.PromptLogprobs is not null)
        {
            PromptLogprobs = new PositionLogprobs?[promptTokenIds.Length];
        }
        ArrivalTimestamp = Stopwatch.GetTimestamp();
    }

    public string RequestId { get; }

    public int[] PromptTokenIds { get; }

    public SamplingParameters Parameters { get; }

    public int Priority { get; }

    public CompletionState[] Completions { get; set; } = [];

    public ChannelReader<RequestOutput> Reader => _channel.Reader;

    /// <summary>Prompt log-probabilities by position (position 0 has none), when requested.</summary>
    public PositionLogprobs?[]? PromptLogprobs { get; }

    public bool PromptLogprobsReported { get; set; }

    /// <summary>Whether the request is already in the engine loop's list of requests to report this step.</summary>
    public bool PendingOutput { get; set; }

    public bool IsFinished { get; private set; }

    /// <summary>When the request was added (<see cref="Stopwatch"/> ticks).</summary>
    public long ArrivalTimestamp { get; }

    /// <summary>When a step first scheduled any of its completions; 0 until then.</summary>
    public long FirstScheduledTimestamp { get; set; }

    /// <summary>When its first token was sampled; 0 until then.</summary>
    public long FirstTokenTimestamp { get; private set; }

    /// <summary>When its latest token was sampled; 0 until the first.</summary>
    public long LastTokenTimestamp { get; private set; }

    /// <summary>Records a sampled token's time (once per step, not per token).</summary>
    public void MarkToken(long timestamp)
    {
        if (FirstTokenTimestamp == 0)
        {
            FirstTokenTimestamp = timestamp;
        }
        LastTokenTimestamp = timestamp;
    }

    public bool AllCompletionsFinished
    {
        get
        {
            foreach (var completion in Completions)
            {
                if (!completion.IsFinished)
                {
                    return false;
                }
            }
            return true;
        }
    }

    /// <summary>Writes the next output; when every completion has finished, this is the last one.</summary>
    public void Report()
    {
        var finished = AllCompletionsFinished;
        var kind = Parameters.OutputKind;
        if (kind == RequestOutputKind.FinalOnly && !finished)
        {
            return;
        }
        var outputs = new List<CompletionOutput>(Completions.Length);
        foreach (var completion in Completions)
        {
            if (kind != RequestOutputKind.Delta || completion.HasUpdate)
            {
                outputs.Add(completion.TakeOutput(kind));
            }
        }
        IReadOnlyList<PositionLogprobs?>? promptLogprobs = null;
        if (PromptLogprobs is not null && !PromptLogprobsReported && Completions[0].Request.PromptLogprobsComplete)
        {
            promptLogprobs = PromptLogprobs;
            PromptLogprobsReported = true;
        }
        _channel.Writer.TryWrite(new RequestOutput
        {
            RequestId = RequestId,
            PromptTokenIds = PromptTokenIds,
            Outputs = outputs,
            Finished = finished,
            NumCachedTokens = Math.Max(0, Completions[0].Request.NumCachedTokens),
            PromptLogprobs = promptLogprobs,
            Metrics = finished ? Metrics() : null,
        });
        if (finished)
        {
            IsFinished = true;
            _channel.Writer.TryComplete();
        }
    }

    private RequestMetrics Metrics()
    {
        var scheduled = FirstScheduledTimestamp;
        var tokens = FirstTokenTimestamp != 0;
        return new RequestMetrics
        {
            QueueTime = scheduled == 0 ? null : Stopwatch.GetElapsedTime(ArrivalTimestamp, scheduled),
            PrefillTime = tokens && scheduled != 0 ? Stopwatch.GetElapsedTime(scheduled, FirstTokenTimestamp) : null,
            DecodeTime = tokens ? Stopwatch.GetElapsedTime(FirstTokenTimestamp, LastTokenTimestamp) : null,
        };
    }

    /// <summary>Ends the stream with an error.</summary>
    public void Fail(Exception error)
    {
        IsFinished = true;
        _channel.Writer.TryComplete(error);
    }
}
