namespace LlmEngine;

/// <summary>One update on a request's stream (vLLM's <c>RequestOutput</c>).</summary>
public sealed record RequestOutput
{
    /// <summary>The request's id.</summary>
    public required string RequestId { get; init; }

    /// <summary>The prompt's token ids.</summary>
    public required IReadOnlyList<int> PromptTokenIds { get; init; }

    /// <summary>The completions with something to report, by <see cref="CompletionOutput.Index"/>.</summary>
    public required IReadOnlyList<CompletionOutput> Outputs { get; init; }

    /// <summary>Whether every completion of the request has ended: the last update of the stream.</summary>
    public required bool Finished { get; init; }

    /// <summary>Prompt tokens whose KV cache came from the prefix cache instead of being computed.</summary>
    public int NumCachedTokens { get; init; }

    /// <summary>Log-probabilities of the prompt tokens (the first position has none, so it is <see langword="null"/>), when requested; sent once.</summary>
    public IReadOnlyList<PositionLogprobs?>? PromptLogprobs { get; init; }

    /// <summary>The request's timings in the engine (queue, prefill, decode), on the last output (<see cref="Finished"/>) only.</summary>
    public RequestMetrics? Metrics { get; init; }
}
