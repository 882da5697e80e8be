using System.Diagnostics;
using System.Text;
using LlmEngine.Cli.Benchmarking;
using NUnit.Framework;

namespace LlmEngine.Tests.Benchmarking;

public class CompletionStreamReaderTests
{
    private static Task<StreamedCompletion> Read(string events) =>
        CompletionStreamReader.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(events)), Stopwatch.StartNew(), CancellationToken.None);

    private static string Chunk(string text) =>
        $"data: {{\"id\":\"cmpl-1\",\"object\":\"text_completion\",\"choices\":[{{\"index\":0,\"text\":\"{text}\",\"logprobs\":null,\"finish_reason\":null}}],\"usage\":null}}\n\n";

    [Test]
    public void TextChunksAreTimedAndTheUsageChunkGivesTheCounts()
    {
        var events = Chunk("Once") + Chunk("") + Chunk(" upon") + Chunk(" a")
            + "data: {\"id\":\"cmpl-1\",\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":4,\"total_tokens\":16}}\n\n"
            + "data: [DONE]\n\n";
        var result = Read(events).Result;
        Assert.That(result.Succeeded, Is.True, result.Error);
        Assert.That(result.ChunkTimes, Has.Count.EqualTo(3), "the empty chunk carries no token text");
        Assert.That(result.OutputTokens, Is.EqualTo(4), "the server's count wins over the chunk count");
        Assert.That(result.PromptTokens, Is.EqualTo(12));
        Assert.That(result.InterTokenLatencies().Count(), Is.EqualTo(2));
        Assert.That(result.TimeToFirstTokenSeconds, Is.LessThanOrEqualTo(result.LatencySeconds));
        Assert.That(result.TimePerOutputTokenSeconds, Is.GreaterThanOrEqualTo(0));
    }

    [Test]
    public void WithoutUsageTheChunksAreCounted()
    {
        var result = Read(Chunk("a") + Chunk("b") + "data: [DONE]\n\n").Result;
        Assert.That(result.Succeeded, Is.True);
        Assert.That(result.OutputTokens, Is.EqualTo(2));
        Assert.That(result.PromptTokens, Is.Zero);
    }

    [Test]
    public void AnErrorEventFailsTheRequestWithItsMessage()
    {
        var events = Chunk("a") + "data: {\"error\":{\"message\":\"engine stopped\",\"type\":\"server_error\",\"param\":null,\"code\":null}}\n\n" + "data: [DONE]\n\n";
        var result = Read(events).Result;
        Assert.That(result.Succeeded, Is.False);
        Assert.That(result.Error, Is.EqualTo("engine stopped"));
    }

    [Test]
    public void AStreamCutBeforeDoneIsAFailure()
    {
        var result = Read(Chunk("a")).Result;
        Assert.That(result.Succeeded, Is.False);
        Assert.That(result.Error, Does.Contain("[DONE]"));
    }
}
