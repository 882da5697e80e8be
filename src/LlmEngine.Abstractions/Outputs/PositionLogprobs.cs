namespace LlmEngine;

/// <summary>Log-probabilities at one position: the token actually there (sampled or prompt) and the most likely ones.</summary>
/// <param name="Chosen">The sampled (or prompt) token at this position.</param>
/// <param name="Top">The top tokens, most likely first (as many as requested).</param>
public sealed record PositionLogprobs(TokenLogprob Chosen, IReadOnlyList<TokenLogprob> Top);
