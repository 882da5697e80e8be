using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using LlmEngine.Hosting.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace LlmEngine.Hosting.Tests.Server;

/// <summary>The server's metrics through <see cref="System.Diagnostics.Metrics"/>, as OpenTelemetry collects them.</summary>
[TestFixture]
public sealed class MeterTests
{
    [Test]
    public async Task EveryPrometheusSeriesHasAnInstrumentThatRecordsTheRequests()
    {
        await using var host = await TestHost.ScriptedAsync();
        var factory = host.Services.GetService<IMeterFactory>();
        var measurements = new ConcurrentDictionary<string, ConcurrentBag<double>>(StringComparer.Ordinal);
        using var listener = new MeterListener
        {
            // Only this host's meter: other hosts in the test run publish under the same name.
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == OpenAiServerOptions.MeterName && instrument.Meter.Scope == factory)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((instrument, value, _, _) => measurements.GetOrAdd(instrument.Name, _ => []).Add(value));
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => measurements.GetOrAdd(instrument.Name, _ => []).Add(value));
        listener.SetMeasurementEventCallback<int>((instrument, value, _, _) => measurements.GetOrAdd(instrument.Name, _ => []).Add(value));
        listener.Start();

        await Http.PostAsync(host.Client, "/v1/chat/completions", Http.Chat("Hi there"));
        await Http.PostAsync(host.Client, "/v1/chat/completions", Http.Chat("Hi there", new { max_tokens = 3 }));
        await Http.PostAsync(host.Client, "/v1/completions", """{"prompt":"<|im_start|>assistant\n","max_tokens":2}""");
        listener.RecordObservableInstruments();

        foreach (var histogram in new[]
        {
            "llmengine.server.time_to_first_token", "llmengine.server.request.duration", "llmengine.server.request.prompt_tokens",
            "llmengine.server.request.queue_time", "llmengine.server.request.prefill_time", "llmengine.server.request.decode_time",
            "llmengine.server.request.inference_time",
        })
        {
            Assert.That(Values(histogram), Has.Count.EqualTo(3), histogram + ": one per request (each is one engine request)");
            Assert.That(Values(histogram).All(v => v >= 0), Is.True, histogram);
        }
        Assert.That(Values("llmengine.server.completions"), Has.Count.EqualTo(3));
        Assert.That(Values("llmengine.server.inter_token_latency"), Is.Not.Empty);
        var statistics = host.Engine.GetStatistics();
        Assert.That(Values("llmengine.engine.generation_tokens").Single(), Is.EqualTo(statistics.NumGenerationTokens));
        Assert.That(Values("llmengine.engine.prompt_tokens").Single(), Is.EqualTo(statistics.NumPromptTokensProcessed));
        Assert.That(Values("llmengine.engine.prefix_cache.queries").Single(), Is.EqualTo(statistics.PrefixCacheQueries));
        Assert.That(Values("llmengine.engine.prefix_cache.hits").Single(), Is.EqualTo(statistics.PrefixCacheHits).And.GreaterThan(0), "the second chat shares the first one's prompt");
        Assert.That(Values("llmengine.engine.preemptions").Single(), Is.Zero);
        Assert.That(Values("llmengine.engine.requests.running").Single(), Is.Zero);
        Assert.That(Values("llmengine.engine.requests.waiting").Single(), Is.Zero);
        Assert.That(Values("llmengine.engine.kv_cache.usage").Single(), Is.Zero);

        List<double> Values(string name) => measurements.TryGetValue(name, out var bag) ? [.. bag] : [];
    }
}
