namespace LlmEngine;

/// <summary>One of a request's <see cref="SamplingParameters.N"/> completions (vLLM's <c>CompletionOutput</c>).</summary>
public sealed record CompletionOutput
{
    /// <summary>Which of the request's completions this is (0-based).</summary>
    public required int Index { get; init; }

    /// <summary>Text: the new part (<see cref="RequestOutputKind.Delta"/>) or all of it so far.</summary>
    public required string Text { get; init; }

    /// <summary>Generated token ids: the new ones (<see cref="RequestOutputKind.Delta"/>) or all so far.</summary>
    public required IReadOnlyList<int> TokenIds { get; init; }

    /// <summary>Log-probabilities of the tokens in <see cref="TokenIds"/>, when requested.</summary>
    public IReadOnlyList<PositionLogprobs>? Logprobs { get; init; }

    /// <summary>Number of tokens generated so far in this completion.</summary>
    public required int NumGeneratedTokens { get; init; }

    /// <summary>Why the completion ended; <see langword="null"/> while it is still running.</summary>
    public FinishReason? FinishReason { get; init; }

    /// <summary>The stop string or stop token id that ended it, when one did (EOS gives its id).</summary>
    public object? StopReason { get; init; }

    /// <summary>Whether this completion has ended.</summary>
    public bool Finished => FinishReason is not null;
}
