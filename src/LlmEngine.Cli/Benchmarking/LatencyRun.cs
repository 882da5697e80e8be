namespace LlmEngine.Cli.Benchmarking;

/// <summary>
/// One timed request: the prompt phase ends when the first token arrives (prefill plus one sample), the generation
/// phase covers every later token.
/// </summary>
internal sealed record LatencyRun(int PromptTokens, int GeneratedTokens, double PromptSeconds, double GenerationSeconds)
{
    /// <summary>Prompt tokens processed per second of time to first token.</summary>
    public double PromptTokensPerSecond => PromptSeconds > 0 ? PromptTokens / PromptSeconds : double.NaN;

    /// <summary>Tokens per second after the first (each of them one decode step).</summary>
    public double GenerationTokensPerSecond => GeneratedTokens > 1 && GenerationSeconds > 0 ? (GeneratedTokens - 1) / GenerationSeconds : double.NaN;
}
