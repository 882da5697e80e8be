namespace LlmEngine.Scheduling;

/// <summary>The scheduler's limits, resolved from <see cref="LlmEngineOptions"/> and the executor.</summary>
/// <param name="MaxNumSeqs">Most requests running at once.</param>
/// <param name="MaxNumBatchedTokens">Token budget per step.</param>
/// <param name="MaxModelLength">Longest sequence.</param>
/// <param name="EnableChunkedPrefill">Whether a prompt may be split across steps.</param>
/// <param name="Policy">Admission and preemption order.</param>
internal sealed record SchedulerConfig(int MaxNumSeqs, int MaxNumBatchedTokens, int MaxModelLength, bool EnableChunkedPrefill, SchedulingPolicy Policy);
