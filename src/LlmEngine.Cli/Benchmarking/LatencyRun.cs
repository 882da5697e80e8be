namespace LlmEngine.Cli.Benchmarking;

/// <summary>
/// One timed request: the prompt phase ends when the first token arrives (prefill plus one sample), the generation
/// phase covers every later token. Each phase has its wall time and the CPU time the process spent in it.
/// </summary>
internal sealed record LatencyRun(int PromptTokens, int GeneratedTokens, double PromptSeconds, double GenerationSeconds,
    double PromptCpuSeconds = double.NaN, double GenerationCpuSeconds = double.NaN)
{
    /// <summary>Prompt tokens processed per second of time to first token.</summary>
    public double PromptTokensPerSecond => PromptSeconds > 0 ? PromptTokens / PromptSeconds : double.NaN;

    /// <summary>Tokens per second after the first (each of them one decode step).</summary>
    public double GenerationTokensPerSecond => GeneratedTokens > 1 && GenerationSeconds > 0 ? (GeneratedTokens - 1) / GenerationSeconds : double.NaN;

    /// <summary>Prompt tokens per CPU-second (multiply by the threads for the idle-machine estimate).</summary>
    public double PromptTokensPerCpuSecond => PromptCpuSeconds > 0 ? PromptTokens / PromptCpuSeconds : double.NaN;

    /// <summary>Tokens after the first per CPU-second of the generation phase.</summary>
    public double GenerationTokensPerCpuSecond => GeneratedTokens > 1 && GenerationCpuSeconds > 0 ? (GeneratedTokens - 1) / GenerationCpuSeconds : double.NaN;
}
