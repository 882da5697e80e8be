namespace LlmEngine;

/// <summary>One token's log-probability under the model's raw output distribution.</summary>
/// <param name="TokenId">The token id.</param>
/// <param name="Logprob">Natural-log probability.</param>
/// <param name="Rank">1 for the most likely token; ties share the better rank.</param>
/// <param name="Token">The token's decoded text.</param>
public readonly record struct TokenLogprob(int TokenId, float Logprob, int Rank, string Token);
