namespace LlmEngine;

/// <summary>
/// Engine settings (vLLM's engine arguments). Bindable from configuration; <see cref="Validate"/> runs when the
/// engine starts and names the option and its allowed values when one is out of range.
/// </summary>
public sealed class LlmEngineOptions
{
    /// <summary>Tokens per KV-cache block. Default 16; in [1, 1024]. Must equal the executor's block size.</summary>
    public int BlockSize { get; set; } = 16;

    /// <summary>KV-cache blocks the engine may use; <see langword="null"/> uses every block the executor allocated.</summary>
    public int? NumKVCacheBlocks { get; set; }

    /// <summary>KV-cache memory in bytes for executors that size their cache from it; <see langword="null"/> derives it from available memory.</summary>
    public long? KVCacheSizeBytes { get; set; }

    /// <summary>Longest sequence (prompt plus output) in tokens; <see langword="null"/> uses the KV cache's capacity, capped by the model's context length where known.</summary>
    public int? MaxModelLength { get; set; }

    /// <summary>Most requests running at once. Default 256; in [1, 65536].</summary>
    public int MaxNumSeqs { get; set; } = 256;

    /// <summary>Token budget of one engine step (prefill chunks plus decodes). Default 2048; at least <see cref="MaxNumSeqs"/>.</summary>
    public int MaxNumBatchedTokens { get; set; } = 2048;

    /// <summary>Whether full KV blocks are shared between requests with the same prefix. Default true.</summary>
    public bool EnablePrefixCaching { get; set; } = true;

    /// <summary>Whether a long prompt may be split across steps. Default true; when false, <see cref="MaxNumBatchedTokens"/> must cover <see cref="MaxModelLength"/>.</summary>
    public bool EnableChunkedPrefill { get; set; } = true;

    /// <summary>Order of admission and preemption. Default <see cref="LlmEngine.SchedulingPolicy.Fcfs"/>.</summary>
    public SchedulingPolicy SchedulingPolicy { get; set; } = SchedulingPolicy.Fcfs;

    /// <summary>Seed that makes requests without their own seed reproducible; <see langword="null"/> seeds them randomly.</summary>
    public long? Seed { get; set; }

    /// <summary>Worker threads for CPU executors; <see langword="null"/> uses every core.</summary>
    public int? NumThreads { get; set; }

    /// <summary>
    /// Checks every option, throwing an <see cref="ArgumentOutOfRangeException"/> that names the option and its
    /// allowed values.
    /// </summary>
    public void Validate()
    {
        Require(BlockSize is >= 1 and <= 1024, nameof(BlockSize), BlockSize, "must be in [1, 1024]");
        Require(NumKVCacheBlocks is null || NumKVCacheBlocks >= 1, nameof(NumKVCacheBlocks), NumKVCacheBlocks, "must be at least 1");
        Require(KVCacheSizeBytes is null || KVCacheSizeBytes >= 1, nameof(KVCacheSizeBytes), KVCacheSizeBytes, "must be at least 1");
        Require(MaxModelLength is null || MaxModelLength >= 2, nameof(MaxModelLength), MaxModelLength, "must be at least 2");
        Require(MaxNumSeqs is >= 1 and <= 65536, nameof(MaxNumSeqs), MaxNumSeqs, "must be in [1, 65536]");
        Require(MaxNumBatchedTokens >= MaxNumSeqs, nameof(MaxNumBatchedTokens), MaxNumBatchedTokens, $"must be at least MaxNumSeqs ({MaxNumSeqs})");
        Require(EnableChunkedPrefill || MaxModelLength is null || MaxNumBatchedTokens >= MaxModelLength, nameof(MaxNumBatchedTokens), MaxNumBatchedTokens,
            $"must be at least MaxModelLength ({MaxModelLength}) when EnableChunkedPrefill is false");
        Require(Enum.IsDefined(SchedulingPolicy), nameof(SchedulingPolicy), SchedulingPolicy, "must be Fcfs or Priority");
        Require(NumThreads is null || NumThreads >= 1, nameof(NumThreads), NumThreads, "must be at least 1");
    }

    /// <summary>A copy, so a composition root can fill defaults without touching the caller's options.</summary>
    internal LlmEngineOptions Clone() => (LlmEngineOptions)MemberwiseClone();

    private static void Require(bool condition, string option, object? actual, string rule)
    {
        if (!condition)
        {
            throw new ArgumentOutOfRangeException(option, actual, $"LlmEngineOptions.{option} {rule}; got {actual ?? "null"}.");
        }
    }
}
