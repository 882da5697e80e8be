using System.Text;
using LlmEngine.Hosting.Tests.Fakes;
using LlmEngine.Hosting.Tests.Infrastructure;
using NUnit.Framework;

namespace LlmEngine.Hosting.Tests.Server;

/// <summary>A client that leaves mid-stream aborts its engine request and frees its KV blocks at once.</summary>
[TestFixture]
public sealed class DisconnectTests
{
    [TestCase(false)]
    [TestCase(true)]
    public async Task LeavingMidStreamAbortsAndFreesBlocks(bool kestrel)
    {
        await using var host = await TestHost.ScriptedAsync(kestrel: kestrel, numBlocks: 4096);
        var body = Http.Chat(Script.LongStory, new { stream = true, n = 2 });
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        using var cancel = new CancellationTokenSource();
        var response = await host.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        var stream = await response.Content.ReadAsStreamAsync(cancel.Token);
        var buffer = new byte[4096];
        var received = 0;
        while (received < 2000)
        {
            received += await stream.ReadAsync(buffer, cancel.Token);
        }
        Assert.That(host.Engine.GetStatistics().NumRunningRequests, Is.EqualTo(2), "both choices are generating");
        Assert.That(host.Engine.GetStatistics().KVCacheUsage, Is.GreaterThan(0));

        await cancel.CancelAsync();
        response.Dispose();

        var statistics = await WaitUntilAsync(host.Engine, s => s.NumRunningRequests == 0 && s.NumWaitingRequests == 0);
        Assert.That(statistics.KVCacheUsage, Is.EqualTo(0), "every block is free again");
        var answerTokens = Script.Respond("<|im_start|>user\n" + Script.LongStory).Length;
        Assert.That(statistics.NumGenerationTokens, Is.LessThan(answerTokens), "generation stopped long before the answer's end");
    }

    /// <summary>Polls the engine's statistics (bounded, so a leak fails instead of hanging).</summary>
    private static async Task<EngineStatistics> WaitUntilAsync(ILlmEngine engine, Func<EngineStatistics, bool> done)
    {
        for (var i = 0; i < 1000; i++)
        {
            var statistics = engine.GetStatistics();
            if (done(statistics))
            {
                return statistics;
            }
            await Task.Delay(20);
        }
        Assert.Fail($"The engine still runs requests: {engine.GetStatistics()}");
        return engine.GetStatistics();
    }
}
