namespace LlmEngine;

/// <summary>A snapshot of the engine's state and counters, taken after an engine step.</summary>
public sealed record EngineStatistics
{
    /// <summary>Requests holding KV blocks and being stepped.</summary>
    public int NumRunningRequests { get; init; }

    /// <summary>Requests queued for admission (new or preempted).</summary>
    public int NumWaitingRequests { get; init; }

    /// <summary>KV-cache blocks in the pool.</summary>
    public int NumKVCacheBlocks { get; init; }

    /// <summary>Fraction of KV-cache blocks held by requests, in [0, 1].</summary>
    public double KVCacheUsage { get; init; }

    /// <summary>Prompt tokens looked up in the prefix cache.</summary>
    public long PrefixCacheQueries { get; init; }

    /// <summary>Prompt tokens found in the prefix cache.</summary>
    public long PrefixCacheHits { get; init; }

    /// <summary><see cref="PrefixCacheHits"/> / <see cref="PrefixCacheQueries"/>, or 0 before any query.</summary>
    public double PrefixCacheHitRate => PrefixCacheQueries == 0 ? 0 : (double)PrefixCacheHits / PrefixCacheQueries;

    /// <summary>Times a running request was preempted (its blocks freed, to be recomputed).</summary>
    public long NumPreemptions { get; init; }

    /// <summary>Prompt (and recomputed) tokens run through the model.</summary>
    public long NumPromptTokensProcessed { get; init; }

    /// <summary>Tokens generated.</summary>
    public long NumGenerationTokens { get; init; }

    /// <summary>Engine steps run.</summary>
    public long NumSteps { get; init; }

    /// <summary>Requests that have finished (stopped, reached their length, aborted or failed).</summary>
    public long NumFinishedRequests { get; init; }
}
