using System.Diagnostics;

namespace LlmEngine.Hosting.Metrics;

/// <summary>
/// Times one HTTP request for <see cref="ServerMetrics"/>: time to first token, the gaps between outputs, and the
/// whole request. Called from the one task that writes the response; not thread-safe.
/// </summary>
internal sealed class RequestTimer(ServerMetrics metrics, long startTimestamp)
{
    private long _lastOutput;
    private bool _ended;

    /// <summary>Marks an output carrying new tokens.</summary>
    public void Output()
    {
        var now = Stopwatch.GetTimestamp();
        if (_lastOutput == 0)
        {
            metrics.RecordFirstToken(Stopwatch.GetElapsedTime(startTimestamp, now).TotalSeconds);
        }
        else
        {
            metrics.RecordInterToken(Stopwatch.GetElapsedTime(_lastOutput, now).TotalSeconds);
        }
        _lastOutput = now;
    }

    /// <summary>Marks one completion (choice) finished.</summary>
    public void CompletionFinished(string finishReason, int generatedTokens) => metrics.RecordCompletion(finishReason, generatedTokens);

    /// <summary>Records the engine's timings of one of its engine requests (from that request's last output).</summary>
    public void EngineRequestFinished(RequestMetrics? engineMetrics)
    {
        if (engineMetrics is not null)
        {
            metrics.RecordEngineRequest(engineMetrics);
        }
    }

    /// <summary>Marks the request finished (once).</summary>
    public void End(int promptTokens)
    {
        if (_ended)
        {
            return;
        }
        _ended = true;
        metrics.RecordRequest(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds, promptTokens);
    }
}
