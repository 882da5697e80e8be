using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace LlmEngine.Hosting.Metrics;

/// <summary>
/// The server's request metrics, kept twice: as Prometheus series under vLLM's names for <c>/metrics</c> (so vLLM's
/// Grafana dashboards work), and as <see cref="System.Diagnostics.Metrics"/> instruments on the
/// <c>LlmEngine.Hosting</c> meter for OpenTelemetry, one instrument per Prometheus series. Engine gauges and counters
/// come from <see cref="EngineStatistics"/> when scraped or observed; queue, prefill and decode times from the
/// <see cref="RequestMetrics"/> on each engine request's last output.
/// </summary>
internal sealed class ServerMetrics
{
    /// <summary>The meter's name, for <c>AddMeter("LlmEngine.Hosting")</c> in OpenTelemetry.</summary>
    public const string MeterName = OpenAiServerOptions.MeterName;

    // vLLM's bucket bounds, so dashboards' quantile queries behave the same.
    private static readonly double[] s_ttftBuckets = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0, 160.0, 640.0, 2560.0];
    private static readonly double[] s_itlBuckets = [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0];
    private static readonly double[] s_e2eBuckets = [0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0, 120.0, 240.0, 480.0, 960.0, 1920.0, 7680.0];

    // Token-count buckets stop here (vLLM stops at the maximum model length, which is known only once the model loads).
    private const int MaxTokenBucket = 1_000_000;

    private readonly ConcurrentDictionary<string, long[]> _finished = new(StringComparer.Ordinal);
    private readonly Histogram<double> _ttftInstrument;
    private readonly Histogram<double> _itlInstrument;
    private readonly Histogram<double> _e2eInstrument;
    private readonly Histogram<long> _promptTokensInstrument;
    private readonly Histogram<long> _generationTokensInstrument;
    private readonly Counter<long> _finishedInstrument;
    private readonly Histogram<double> _queueInstrument;
    private readonly Histogram<double> _prefillInstrument;
    private readonly Histogram<double> _decodeInstrument;
    private readonly Histogram<double> _inferenceInstrument;

    public ServerMetrics(Meter meter, Func<EngineStatistics?> statistics)
    {
        var tokenBuckets = TokenBuckets(MaxTokenBucket);
        TimeToFirstToken = new BucketHistogram(s_ttftBuckets);
        InterTokenLatency = new BucketHistogram(s_itlBuckets);
        EndToEndLatency = new BucketHistogram(s_e2eBuckets);
        PromptTokens = new BucketHistogram(tokenBuckets);
        GenerationTokens = new BucketHistogram(tokenBuckets);
        QueueTime = new BucketHistogram(s_e2eBuckets);
        PrefillTime = new BucketHistogram(s_e2eBuckets);
        DecodeTime = new BucketHistogram(s_e2eBuckets);
        InferenceTime = new BucketHistogram(s_e2eBuckets);
        foreach (var reason in (ReadOnlySpan<string>)["stop", "length", "abort"])
        {
            _finished[reason] = new long[1];
        }

        _ttftInstrument = meter.CreateHistogram<double>("llmengine.server.time_to_first_token", "s", "Time from request arrival to the first generated token.");
        _itlInstrument = meter.CreateHistogram<double>("llmengine.server.inter_token_latency", "s", "Time between successive streamed outputs of a request.");
        _e2eInstrument = meter.CreateHistogram<double>("llmengine.server.request.duration", "s", "Time from request arrival to its last output.");
        _promptTokensInstrument = meter.CreateHistogram<long>("llmengine.server.request.prompt_tokens", "{token}", "Prompt tokens per request.");
        _generationTokensInstrument = meter.CreateHistogram<long>("llmengine.server.request.generation_tokens", "{token}", "Generated tokens per completion.");
        _finishedInstrument = meter.CreateCounter<long>("llmengine.server.completions", "{completion}", "Completions finished, by finish reason.");
        meter.CreateObservableGauge("llmengine.engine.requests.running", () => statistics()?.NumRunningRequests ?? 0, "{request}", "Requests running in the engine.");
        meter.CreateObservableGauge("llmengine.engine.requests.waiting", () => statistics()?.NumWaitingRequests ?? 0, "{request}", "Requests waiting for the engine.");
        meter.CreateObservableGauge("llmengine.engine.kv_cache.usage", () => statistics()?.KVCacheUsage ?? 0, "1", "Fraction of KV-cache blocks in use.");
        _queueInstrument = meter.CreateHistogram<double>("llmengine.server.request.queue_time", "s", "Time an engine request waited before its first schedule.");
        _prefillInstrument = meter.CreateHistogram<double>("llmengine.server.request.prefill_time", "s", "Time from an engine request's first schedule to its first token.");
        _decodeInstrument = meter.CreateHistogram<double>("llmengine.server.request.decode_time", "s", "Time from an engine request's first token to its last.");
        _inferenceInstrument = meter.CreateHistogram<double>("llmengine.server.request.inference_time", "s", "Time from an engine request's first schedule to its last token.");
        meter.CreateObservableCounter("llmengine.engine.prefix_cache.queries", () => statistics()?.PrefixCacheQueries ?? 0, "{token}", "Prompt tokens looked up in the prefix cache.");
        meter.CreateObservableCounter("llmengine.engine.prefix_cache.hits", () => statistics()?.PrefixCacheHits ?? 0, "{token}", "Prompt tokens found in the prefix cache.");
        meter.CreateObservableCounter("llmengine.engine.preemptions", () => statistics()?.NumPreemptions ?? 0, "{preemption}", "Running requests preempted (their blocks freed, to be recomputed).");
        meter.CreateObservableCounter("llmengine.engine.prompt_tokens", () => statistics()?.NumPromptTokensProcessed ?? 0, "{token}", "Prompt tokens run through the model, recomputed ones included.");
        meter.CreateObservableCounter("llmengine.engine.generation_tokens", () => statistics()?.NumGenerationTokens ?? 0, "{token}", "Tokens generated.");
    }

    public BucketHistogram TimeToFirstToken { get; }

    public BucketHistogram InterTokenLatency { get; }

    public BucketHistogram EndToEndLatency { get; }

    public BucketHistogram PromptTokens { get; }

    public BucketHistogram GenerationTokens { get; }

    public BucketHistogram QueueTime { get; }

    public BucketHistogram PrefillTime { get; }

    public BucketHistogram DecodeTime { get; }

    public BucketHistogram InferenceTime { get; }

    /// <summary>Completions finished per finish reason.</summary>
    public IEnumerable<KeyValuePair<string, long>> FinishedByReason()
    {
        foreach (var (reason, count) in _finished)
        {
            yield return new(reason, Interlocked.Read(ref count[0]));
        }
    }

    /// <summary>Starts timing one request.</summary>
    public RequestTimer StartRequest() => new(this, Stopwatch.GetTimestamp());

    internal void RecordFirstToken(double seconds)
    {
        TimeToFirstToken.Record(seconds);
        _ttftInstrument.Record(seconds);
    }

    internal void RecordInterToken(double seconds)
    {
        InterTokenLatency.Record(seconds);
        _itlInstrument.Record(seconds);
    }

    internal void RecordCompletion(string finishReason, int generatedTokens)
    {
        Interlocked.Increment(ref _finished.GetOrAdd(finishReason, _ => new long[1])[0]);
        _finishedInstrument.Add(1, new KeyValuePair<string, object?>("finish_reason", finishReason));
        GenerationTokens.Record(generatedTokens);
        _generationTokensInstrument.Record(generatedTokens);
    }

    internal void RecordRequest(double seconds, int promptTokens)
    {
        EndToEndLatency.Record(seconds);
        _e2eInstrument.Record(seconds);
        PromptTokens.Record(promptTokens);
        _promptTokensInstrument.Record(promptTokens);
    }

    /// <summary>Records one engine request's phases (vLLM records them per request as it finishes).</summary>
    internal void RecordEngineRequest(RequestMetrics metrics)
    {
        if (metrics.QueueTime is { } queue)
        {
            QueueTime.Record(queue.TotalSeconds);
            _queueInstrument.Record(queue.TotalSeconds);
        }
        if (metrics.PrefillTime is { } prefill)
        {
            PrefillTime.Record(prefill.TotalSeconds);
            _prefillInstrument.Record(prefill.TotalSeconds);
        }
        if (metrics.DecodeTime is { } decode)
        {
            DecodeTime.Record(decode.TotalSeconds);
            _decodeInstrument.Record(decode.TotalSeconds);
        }
        if (metrics.InferenceTime is { } inference)
        {
            InferenceTime.Record(inference.TotalSeconds);
            _inferenceInstrument.Record(inference.TotalSeconds);
        }
    }

    /// <summary>vLLM's 1-2-5 series up to <paramref name="max"/>.</summary>
    private static double[] TokenBuckets(int max)
    {
        var buckets = new List<double>();
        for (double scale = 1; ; scale *= 10)
        {
            foreach (var m in (ReadOnlySpan<int>)[1, 2, 5])
            {
                var value = m * scale;
                if (value > max)
                {
                    return [.. buckets];
                }
                buckets.Add(value);
            }
        }
    }
}
