namespace LlmEngine.Cli.Benchmarking;

/// <summary>
/// What the client saw of one streamed completion: when each text chunk arrived (seconds after the request was
/// sent), the token counts the server reported, and the error if it failed.
/// </summary>
/// <param name="ChunkTimes">Arrival time of every chunk that carried text, in order.</param>
/// <param name="LatencySeconds">Time from sending the request to the end of the stream.</param>
/// <param name="PromptTokens">The prompt's tokens as the server counted them (0 when it sent no usage).</param>
/// <param name="OutputTokens">Generated tokens: the server's usage count, or the number of text chunks without one.</param>
/// <param name="Error">Why the request failed; null when it succeeded.</param>
internal sealed record StreamedCompletion(IReadOnlyList<double> ChunkTimes, double LatencySeconds, int PromptTokens, int OutputTokens, string? Error)
{
    /// <summary>Whether the stream ended with <c>[DONE]</c> and no error.</summary>
    public bool Succeeded => Error is null;

    /// <summary>Time to first token: the arrival of the first text chunk.</summary>
    public double TimeToFirstTokenSeconds => ChunkTimes.Count > 0 ? ChunkTimes[0] : double.NaN;

    /// <summary>Time per output token after the first (vLLM's TPOT); NaN with fewer than two tokens.</summary>
    public double TimePerOutputTokenSeconds => OutputTokens > 1 && ChunkTimes.Count > 0
        ? (LatencySeconds - ChunkTimes[0]) / (OutputTokens - 1)
        : double.NaN;

    /// <summary>Gaps between successive text chunks (vLLM's ITL).</summary>
    public IEnumerable<double> InterTokenLatencies()
    {
        for (var i = 1; i < ChunkTimes.Count; i++)
        {
            yield return ChunkTimes[i] - ChunkTimes[i - 1];
        }
    }
}
