using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using LlmEngine.Hosting.Tests.Fakes;
using LlmEngine.Hosting.Tests.Infrastructure;
using NUnit.Framework;

namespace LlmEngine.Hosting.Tests.Server;

/// <summary>
/// Bounded load on 127.0.0.1: 64 concurrent streaming clients, 20 requests each, over the scripted engine; 20 of them
/// leave one stream after its first chunk. Every other request must stream its whole answer, and the engine must end
/// with no request running and every KV block free. Reports p50/p99 time to first token and inter-token latency.
/// </summary>
[TestFixture]
public sealed class LoadTests
{
    private const int Clients = 64;
    private const int RequestsPerClient = 20;
    private const int LeavingClients = 20;

    [Test]
    public async Task SixtyFourStreamingClientsAllSucceedAndLeaversDoNotDisturbTheRest()
    {
        await using var host = await TestHost.ScriptedAsync(kestrel: true, numBlocks: 2048, maxNumSeqs: 64);
        var ttft = new List<double>();
        var itl = new List<double>();
        var clock = Stopwatch.StartNew();
        var failures = new List<string>();
        var completed = 0;

        await Task.WhenAll(Enumerable.Range(0, Clients).Select(client => Task.Run(async () =>
        {
            for (var r = 0; r < RequestsPerClient; r++)
            {
                var leave = client < LeavingClients && r == RequestsPerClient / 2;
                try
                {
                    var result = await StreamOnceAsync(host.Client, leave);
                    lock (ttft)
                    {
                        if (!leave)
                        {
                            completed++;
                            ttft.Add(result.Ttft);
                            itl.AddRange(result.Gaps);
                            if (result.Text != Script.Greeting)
                            {
                                failures.Add($"client {client} request {r} got '{result.Text}'");
                            }
                        }
                    }
                }
                catch (Exception error) when (!leave)
                {
                    lock (ttft)
                    {
                        failures.Add($"client {client} request {r}: {error.Message}");
                    }
                }
            }
        })));
        var elapsed = clock.Elapsed;

        Assert.That(failures, Is.Empty);
        Assert.That(completed, Is.EqualTo(Clients * RequestsPerClient - LeavingClients));
        var statistics = await WaitForIdleAsync(host.Engine);
        Assert.That(statistics.KVCacheUsage, Is.EqualTo(0), "no KV block leaked");
        TestContext.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{completed} streams in {elapsed.TotalSeconds:F1} s ({completed * (Script.Greeting.Length + 1) / elapsed.TotalSeconds:F0} tokens/s); " +
            $"TTFT p50 {Percentile(ttft, 0.5):F1} ms, p99 {Percentile(ttft, 0.99):F1} ms; ITL p50 {Percentile(itl, 0.5):F2} ms, p99 {Percentile(itl, 0.99):F2} ms"));
    }

    private static async Task<(string Text, double Ttft, List<double> Gaps)> StreamOnceAsync(HttpClient client, bool leaveAfterFirstChunk)
    {
        var body = Http.Chat("Hi there", new { stream = true });
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        var start = Stopwatch.GetTimestamp();
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var text = new StringBuilder();
        var gaps = new List<double>();
        double ttft = 0;
        long last = 0;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (!line.StartsWith("data: ", StringComparison.Ordinal))
            {
                continue;
            }
            if (line == "data: [DONE]")
            {
                break;
            }
            var content = (string?)JsonNode.Parse(line["data: ".Length..])!["choices"]![0]!["delta"]!["content"];
            if (string.IsNullOrEmpty(content))
            {
                continue;
            }
            var now = Stopwatch.GetTimestamp();
            if (last == 0)
            {
                ttft = Stopwatch.GetElapsedTime(start, now).TotalMilliseconds;
                if (leaveAfterFirstChunk)
                {
                    return (text.ToString(), ttft, gaps);
                }
            }
            else
            {
                gaps.Add(Stopwatch.GetElapsedTime(last, now).TotalMilliseconds);
            }
            last = now;
            text.Append(content);
        }
        return (text.ToString(), ttft, gaps);
    }

    private static async Task<EngineStatistics> WaitForIdleAsync(ILlmEngine engine)
    {
        for (var i = 0; i < 1000; i++)
        {
            var statistics = engine.GetStatistics();
            if (statistics.NumRunningRequests == 0 && statistics.NumWaitingRequests == 0)
            {
                return statistics;
            }
            await Task.Delay(20);
        }
        Assert.Fail($"The engine never became idle: {engine.GetStatistics()}");
        return engine.GetStatistics();
    }

    private static double Percentile(List<double> values, double p)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }
        var sorted = values.Order().ToList();
        return sorted[(int)Math.Min(sorted.Count - 1, Math.Floor(p * sorted.Count))];
    }
}
