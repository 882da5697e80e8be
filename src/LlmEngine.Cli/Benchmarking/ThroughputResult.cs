namespace LlmEngine.Cli.Benchmarking;

/// <summary>One throughput run: <see cref="Requests"/> requests submitted at once and drained to the end.</summary>
internal sealed record ThroughputResult(int Requests, int PromptTokens, int GeneratedTokens, double ElapsedSeconds,
    IReadOnlyList<double> TimesToFirstToken, double CpuSeconds = double.NaN)
{
    /// <summary>Finished requests per second.</summary>
    public double RequestsPerSecond => Requests / ElapsedSeconds;

    /// <summary>Generated tokens per second, summed over the requests.</summary>
    public double GenerationTokensPerSecond => GeneratedTokens / ElapsedSeconds;

    /// <summary>Prompt and generated tokens per second, summed over the requests (vLLM's "total tokens/s").</summary>
    public double TotalTokensPerSecond => (PromptTokens + GeneratedTokens) / ElapsedSeconds;

    /// <summary>Generated tokens per CPU-second of the run (multiply by the threads for the idle-machine estimate).</summary>
    public double GenerationTokensPerCpuSecond => CpuSeconds > 0 ? GeneratedTokens / CpuSeconds : double.NaN;

    /// <summary>Prompt and generated tokens per CPU-second of the run.</summary>
    public double TotalTokensPerCpuSecond => CpuSeconds > 0 ? (PromptTokens + GeneratedTokens) / CpuSeconds : double.NaN;
}
