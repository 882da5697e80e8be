using LlmEngine.Hosting.Server;
using Microsoft.AspNetCore.Http;

namespace LlmEngine.Hosting.Metrics;

/// <summary><c>GET /metrics</c>: Prometheus text with vLLM's metric names and a <c>model_name</c> label.</summary>
internal static class MetricsEndpoint
{
    public static async Task HandleAsync(HttpContext context, OpenAiServer server)
    {
        var text = new PrometheusTextWriter();
        var model = PrometheusTextWriter.Label("model_name", server.PrimaryModelName ?? "");
        var statistics = server.TryGetStatistics();
        if (statistics is not null)
        {
            WriteEngine(text, model, statistics);
        }
        var metrics = server.Metrics;
        text.Header("vllm:request_success_total", "counter", "Count of successfully processed requests, by finish reason.");
        foreach (var (reason, count) in metrics.FinishedByReason().OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            text.Sample("vllm:request_success_total", model + "," + PrometheusTextWriter.Label("finished_reason", reason), count);
        }
        text.Histogram("vllm:time_to_first_token_seconds", "Histogram of time to first token in seconds.", model, metrics.TimeToFirstToken);
        text.Histogram("vllm:inter_token_latency_seconds", "Histogram of inter-token latency in seconds.", model, metrics.InterTokenLatency);
        text.Histogram("vllm:e2e_request_latency_seconds", "Histogram of end to end request latency in seconds.", model, metrics.EndToEndLatency);
        text.Histogram("vllm:request_prompt_tokens", "Number of prefill tokens processed per request.", model, metrics.PromptTokens);
        text.Histogram("vllm:request_generation_tokens", "Number of generation tokens processed per completion.", model, metrics.GenerationTokens);
        text.Histogram("vllm:request_queue_time_seconds", "Histogram of time spent in WAITING phase for request.", model, metrics.QueueTime);
        text.Histogram("vllm:request_prefill_time_seconds", "Histogram of time spent in PREFILL phase for request.", model, metrics.PrefillTime);
        text.Histogram("vllm:request_decode_time_seconds", "Histogram of time spent in DECODE phase for request.", model, metrics.DecodeTime);
        text.Histogram("vllm:request_inference_time_seconds", "Histogram of time spent in RUNNING phase for request.", model, metrics.InferenceTime);
        context.Response.ContentType = PrometheusTextWriter.ContentType;
        await context.Response.WriteAsync(text.ToString(), context.RequestAborted).ConfigureAwait(false);
    }

    private static void WriteEngine(PrometheusTextWriter text, string model, EngineStatistics s)
    {
        text.Header("vllm:num_requests_running", "gauge", "Number of requests in model execution batches.");
        text.Sample("vllm:num_requests_running", model, s.NumRunningRequests);
        text.Header("vllm:num_requests_waiting", "gauge", "Number of requests waiting to be processed.");
        text.Sample("vllm:num_requests_waiting", model, s.NumWaitingRequests);
        text.Header("vllm:kv_cache_usage_perc", "gauge", "KV-cache usage. 1 means 100 percent usage.");
        text.Sample("vllm:kv_cache_usage_perc", model, s.KVCacheUsage);
        text.Header("vllm:prefix_cache_queries_total", "counter", "Prefix cache queries, in terms of number of queried tokens.");
        text.Sample("vllm:prefix_cache_queries_total", model, s.PrefixCacheQueries);
        text.Header("vllm:prefix_cache_hits_total", "counter", "Prefix cache hits, in terms of number of cached tokens.");
        text.Sample("vllm:prefix_cache_hits_total", model, s.PrefixCacheHits);
        text.Header("vllm:num_preemptions_total", "counter", "Cumulative number of preemptions from the engine.");
        text.Sample("vllm:num_preemptions_total", model, s.NumPreemptions);
        text.Header("vllm:prompt_tokens_total", "counter", "Number of prefill tokens processed (recomputed tokens included).");
        text.Sample("vllm:prompt_tokens_total", model, s.NumPromptTokensProcessed);
        text.Header("vllm:generation_tokens_total", "counter", "Number of generation tokens processed.");
        text.Sample("vllm:generation_tokens_total", model, s.NumGenerationTokens);
    }
}
