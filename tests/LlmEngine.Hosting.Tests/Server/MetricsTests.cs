using System.Globalization;
using LlmEngine.Hosting.Tests.Infrastructure;
using NUnit.Framework;

namespace LlmEngine.Hosting.Tests.Server;

[TestFixture]
public sealed class MetricsTests
{
    [Test]
    public async Task PrometheusTextHasVllmNamesAndCountsRequests()
    {
        await using var host = await TestHost.ScriptedAsync();
        await Http.PostAsync(host.Client, "/v1/chat/completions", Http.Chat("Hi there"));
        await Http.PostAsync(host.Client, "/v1/chat/completions", Http.Chat("Hi there", new { max_tokens = 3 }));

        using var response = await host.Client.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();

        Assert.That(response.Content.Headers.ContentType!.ToString(), Does.StartWith("text/plain; version=0.0.4"));
        foreach (var name in new[]
        {
            "vllm:num_requests_running", "vllm:num_requests_waiting", "vllm:kv_cache_usage_perc", "vllm:prefix_cache_queries_total",
            "vllm:prefix_cache_hits_total", "vllm:num_preemptions_total", "vllm:prompt_tokens_total", "vllm:generation_tokens_total",
            "vllm:time_to_first_token_seconds", "vllm:inter_token_latency_seconds", "vllm:e2e_request_latency_seconds",
            "vllm:request_prompt_tokens", "vllm:request_generation_tokens", "vllm:request_queue_time_seconds",
            "vllm:request_prefill_time_seconds", "vllm:request_decode_time_seconds", "vllm:request_inference_time_seconds",
        })
        {
            Assert.That(text, Does.Contain("# TYPE " + name + " "), name);
        }
        Assert.That(Value(text, "vllm:request_success_total{model_name=\"scripted\",finished_reason=\"stop\"}"), Is.EqualTo(1));
        Assert.That(Value(text, "vllm:request_success_total{model_name=\"scripted\",finished_reason=\"length\"}"), Is.EqualTo(1));
        Assert.That(Value(text, "vllm:e2e_request_latency_seconds_count{model_name=\"scripted\"}"), Is.EqualTo(2));
        Assert.That(Value(text, "vllm:time_to_first_token_seconds_bucket{model_name=\"scripted\",le=\"+Inf\"}"), Is.EqualTo(2));
        Assert.That(Value(text, "vllm:request_generation_tokens_sum{model_name=\"scripted\"}"), Is.EqualTo(Fakes.Script.Greeting.Length + 1 + 3));
        Assert.That(Value(text, "vllm:generation_tokens_total{model_name=\"scripted\"}"), Is.EqualTo(Fakes.Script.Greeting.Length + 1 + 3));
        Assert.That(Value(text, "vllm:num_requests_running{model_name=\"scripted\"}"), Is.EqualTo(0));
        foreach (var phase in new[] { "queue", "prefill", "decode", "inference" })
        {
            Assert.That(Value(text, $"vllm:request_{phase}_time_seconds_count{{model_name=\"scripted\"}}"), Is.EqualTo(2), phase);
            Assert.That(Value(text, $"vllm:request_{phase}_time_seconds_sum{{model_name=\"scripted\"}}"), Is.GreaterThanOrEqualTo(0), phase);
        }
        Assert.That(Value(text, "vllm:request_decode_time_seconds_sum{model_name=\"scripted\"}"), Is.GreaterThan(0), "dozens of decode steps take some time");
    }

    private static double Value(string text, string series)
    {
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith(series + " ", StringComparison.Ordinal))
            {
                return double.Parse(line[(series.Length + 1)..], CultureInfo.InvariantCulture);
            }
        }
        Assert.Fail($"{series} is not in the metrics:\n{text}");
        return 0;
    }
}
