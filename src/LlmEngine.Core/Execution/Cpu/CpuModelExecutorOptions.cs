namespace LlmEngine.Execution.Cpu;

/// <summary>Settings of a <see cref="CpuModelExecutor"/>: KV-cache size and layout, batch limits and threads.</summary>
public sealed class CpuModelExecutorOptions
{
    /// <summary>vLLM's CPU default KV-cache space (<c>VLLM_CPU_KVCACHE_SPACE</c>): 4 GiB.</summary>
    public const long DefaultKVCacheMemoryBytes = 4L << 30;

    /// <summary>Tokens per KV-cache block (vLLM's default: 16).</summary>
    public int BlockSize { get; set; } = 16;

    /// <summary>KV-cache blocks to allocate. When null, <see cref="KVCacheMemoryBytes"/> decides.</summary>
    public int? NumBlocks { get; set; }

    /// <summary>
    /// KV-cache memory budget in bytes when <see cref="NumBlocks"/> is null. The cache never takes more than
    /// <see cref="MaxNumSequences"/> full-length sequences need.
    /// </summary>
    public long KVCacheMemoryBytes { get; set; } = DefaultKVCacheMemoryBytes;

    /// <summary>Sequences the default KV-cache size is meant to hold at full length (vLLM's <c>max_num_seqs</c>).</summary>
    public int MaxNumSequences { get; set; } = 16;

    /// <summary>Most tokens one <see cref="ForwardBatch"/> may hold (vLLM's <c>max_num_batched_tokens</c>); activations are sized for it.</summary>
    public int MaxBatchTokens { get; set; } = 512;

    /// <summary>Longest sequence (prompt plus output); null means the model's context length.</summary>
    public int? MaxModelLength { get; set; }

    /// <summary>Threads for the forward pass, the calling thread included; null means one per processor.</summary>
    public int? ThreadCount { get; set; }

    /// <summary>
    /// Whether quantized weights (Q8_0, Q4_0, Q5_0, Q4_K, Q5_K, Q6_K) multiply int8-quantized activations, as llama.cpp
    /// does (the default, fastest); false multiplies them in float32 against the exact activations, which matches a
    /// float run over the dequantized weights to float rounding.
    /// </summary>
    public bool QuantizeActivations { get; set; } = true;

    /// <summary>
    /// Whether the worker threads are pinned to CPUs (Linux; elsewhere, or when the OS refuses, they are not). A pinned
    /// worker keeps its caches between operations, which pays on a machine the engine has to itself; on a machine
    /// shared with other busy processes the OS can no longer move a pinned worker to an idle CPU, and decode steps
    /// measured slower there (docs/performance.md), hence off by default.
    /// </summary>
    public bool PinThreads { get; set; }

    /// <summary>
    /// How long an idle worker spins waiting for the next operation before it parks (null: 200 µs). Spinning makes the
    /// hundreds of hand-offs of a step cheap; parking gives the CPU back between steps.
    /// </summary>
    public TimeSpan? WorkerSpinTime { get; set; }
}
