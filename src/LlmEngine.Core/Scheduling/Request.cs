using LlmEngine.KVCache;
using LlmEngine.Sampling;

namespace LlmEngine.Scheduling;

/// <summary>
/// One sequence being generated (vLLM's <c>Request</c>): its tokens, how many of them are in the KV cache
/// (<see cref="NumComputedTokens"/> chases <see cref="NumTokens"/>), its blocks, and its sampling state.
/// Owned by the engine loop thread.
/// </summary>
internal sealed class Request
{
    /// <summary>Output tokens whose storage (token ids, blocks, block hashes) is reserved up front, so decoding allocates nothing.</summary>
    public const int ReservedOutputTokens = 4096;

    private int[] _tokens;
    private int[] _blockIds = new int[4];

    public Request(string requestId, IReadOnlyList<int> promptTokenIds, SamplingParameters parameters, int maxTokens, long arrivalOrder, int priority = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(promptTokenIds.Count, 1, nameof(promptTokenIds));
        RequestId = requestId;
        Parameters = parameters;
        MaxTokens = maxTokens;
        ArrivalOrder = arrivalOrder;
        Priority = priority;
        NumPromptTokens = promptTokenIds.Count;
        _tokens = new int[NumPromptTokens + Math.Min(maxTokens, ReservedOutputTokens)];
        for (var i = 0; i < NumPromptTokens; i++)
        {
            _tokens[i] = promptTokenIds[i];
        }
        NumTokens = NumPromptTokens;
    }

    /// <summary>The request's id (a child of an n &gt; 1 request has its own).</summary>
    public string RequestId { get; }

    /// <summary>Sampling and stopping parameters.</summary>
    public SamplingParameters Parameters { get; }

    /// <summary>Output tokens allowed, resolved against the context length.</summary>
    public int MaxTokens { get; }

    /// <summary>Monotonic admission order: the FCFS key and the priority tie-breaker.</summary>
    public long ArrivalOrder { get; }

    /// <summary>Lower goes first under priority scheduling.</summary>
    public int Priority { get; }

    /// <summary>Extra key chained into block hashes (LoRA, multimodal or cache salt); 0 for plain text.</summary>
    public ulong CacheSalt { get; init; }

    /// <summary>Whether prefix-cache hits are ignored (prompt log-probabilities need every prompt position computed).</summary>
    public bool SkipPrefixCache { get; init; }

    /// <summary>Top log-probabilities wanted per prompt token, or <see langword="null"/> when none are.</summary>
    public int? NumPromptLogprobs { get; init; }

    /// <summary>Whether every prompt position's log-probabilities have been computed (a recompute skips them).</summary>
    public bool PromptLogprobsComplete { get; set; }

    /// <summary>A sibling whose prefill this request waits for, so that it can reuse the prompt's cached blocks (n &gt; 1).</summary>
    public Request? PrefillLeader { get; init; }

    /// <summary>Engine-side state (output stream, detokenizer) attached to this request.</summary>
    public object? Owner { get; set; }

    /// <summary>Per-request sampler state (generator, masks, tables), created once.</summary>
    public SamplingState? SamplingState { get; set; }

    public RequestStatus Status { get; set; } = RequestStatus.Waiting;

    public bool IsFinished => Status >= RequestStatus.FinishedStopped;

    public int NumPromptTokens { get; }

    /// <summary>Prompt plus output tokens.</summary>
    public int NumTokens { get; private set; }

    public int NumOutputTokens => NumTokens - NumPromptTokens;

    /// <summary>Tokens whose K/V are in the cache.</summary>
    public int NumComputedTokens { get; set; }

    /// <summary>Prompt tokens served from the prefix cache when first admitted; -1 before admission.</summary>
    public int NumCachedTokens { get; set; } = -1;

    public int NumPreemptions { get; set; }

    public ReadOnlySpan<int> AllTokenIds => _tokens.AsSpan(0, NumTokens);

    public ReadOnlySpan<int> PromptTokenIds => _tokens.AsSpan(0, NumPromptTokens);

    public ReadOnlySpan<int> OutputTokenIds => _tokens.AsSpan(NumPromptTokens, NumOutputTokens);

    public int LastTokenId => _tokens[NumTokens - 1];

    public int GetTokenId(int position) => _tokens[position];

    public void AppendOutputToken(int tokenId)
    {
        if (NumTokens == _tokens.Length)
        {
            Array.Resize(ref _tokens, Math.Max(_tokens.Length * 2, 16));
        }
        _tokens[NumTokens++] = tokenId;
    }

    // --- KV-cache state, managed by KVCacheManager ---

    /// <summary>The blocks holding this request's tokens, in order.</summary>
    public List<KVCacheBlock> Blocks { get; } = [];

    /// <summary>Hashes of the request's full token blocks, computed once (tokens never change) and kept across preemption.</summary>
    public List<BlockHash> BlockHashes { get; } = [];

    /// <summary>Leading blocks already offered to the prefix cache.</summary>
    public int NumCachedBlocks { get; set; }

    /// <summary>The block ids of <see cref="Blocks"/>, as the executor's block table.</summary>
    public ReadOnlyMemory<int> BlockTable => new(_blockIds, 0, Blocks.Count);

    public void AddBlock(KVCacheBlock block)
    {
        if (Blocks.Count == _blockIds.Length)
        {
            Array.Resize(ref _blockIds, _blockIds.Length * 2);
        }
        _blockIds[Blocks.Count] = block.BlockId;
        Blocks.Add(block);
    }

    /// <summary>
    /// Sizes the block lists for the prompt and up to <see cref="ReservedOutputTokens"/> output tokens at once, so
    /// that a decode step that opens a new block does not grow them.
    /// </summary>
    public void ReserveBlocks(int blockSize)
    {
        var blocks = (NumPromptTokens + Math.Min(MaxTokens, ReservedOutputTokens) + blockSize - 1) / blockSize;
        if (_blockIds.Length < blocks)
        {
            Array.Resize(ref _blockIds, blocks);
        }
        Blocks.EnsureCapacity(blocks);
        BlockHashes.EnsureCapacity(blocks);
    }

    /// <summary>The KV-cache slot of the token at <paramref name="position"/>.</summary>
    public int GetSlot(int position, int blockSize) => _blockIds[position / blockSize] * blockSize + position % blockSize;

    // --- Per-step scratch, written by the scheduler and the batch builder ---

    /// <summary>Tokens scheduled for this step.</summary>
    public int NumScheduledTokens { get; set; }

    /// <summary>First logits row of this request in the step's output.</summary>
    public int LogitsRowStart { get; set; }

    /// <summary>Logits rows for prompt log-probabilities this step (before the sampling row).</summary>
    public int NumPromptLogprobRows { get; set; }

    /// <summary>Whether this step reaches the end of the known tokens, so a token is sampled.</summary>
    public bool HasSampleRow { get; set; }

    /// <inheritdoc />
    public override string ToString() => $"Request({RequestId}, {Status}, computed {NumComputedTokens}/{NumTokens})";
}
