namespace LlmEngine.Execution;

/// <summary>
/// One step's input to an <see cref="IModelExecutor"/>: the tokens of every scheduled sequence flattened into one
/// batch (vLLM's layout). Sequence <c>s</c> owns tokens <c>QueryStart[s]</c> to <c>QueryStart[s + 1]</c>; their K/V
/// are written to the cache slots in <see cref="SlotMapping"/> and attention reads the first
/// <c>ContextLengths[s]</c> cached tokens through <c>BlockTables[s]</c>. The arrays are owned by the caller and reused
/// between steps: only the first <see cref="NumTokens"/> / <see cref="NumSequences"/> entries are meaningful.
/// </summary>
public sealed class ForwardBatch
{
    /// <summary>Creates a batch with room for <paramref name="maxTokens"/> tokens and <paramref name="maxSequences"/> sequences.</summary>
    public ForwardBatch(int maxTokens, int maxSequences)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTokens, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSequences, 1);
        TokenIds = new int[maxTokens];
        Positions = new int[maxTokens];
        SlotMapping = new int[maxTokens];
        LogitsIndices = new int[maxTokens];
        QueryStart = new int[maxSequences + 1];
        ContextLengths = new int[maxSequences];
        BlockTables = new ReadOnlyMemory<int>[maxSequences];
    }

    /// <summary>Number of tokens in this step, over all sequences.</summary>
    public int NumTokens { get; set; }

    /// <summary>Number of sequences in this step.</summary>
    public int NumSequences { get; set; }

    /// <summary>Token id of each flattened token.</summary>
    public int[] TokenIds { get; }

    /// <summary>Position of each flattened token within its sequence (0-based).</summary>
    public int[] Positions { get; }

    /// <summary>KV-cache slot (<c>blockId * blockSize + offsetInBlock</c>) each token's K/V are written to.</summary>
    public int[] SlotMapping { get; }

    /// <summary>Start of each sequence's tokens in the flattened arrays; entry <c>NumSequences</c> is <see cref="NumTokens"/>.</summary>
    public int[] QueryStart { get; }

    /// <summary>Number of tokens in each sequence's KV cache once this step's tokens are written (attention length).</summary>
    public int[] ContextLengths { get; }

    /// <summary>Each sequence's block table: the KV-cache block ids holding its tokens, in order.</summary>
    public ReadOnlyMemory<int>[] BlockTables { get; }

    /// <summary>Number of logits rows wanted.</summary>
    public int NumLogits { get; set; }

    /// <summary>Flattened token index whose logits fill each output row, in output order.</summary>
    public int[] LogitsIndices { get; }

    /// <summary>Resets the counts so the batch can be refilled.</summary>
    public void Clear()
    {
        NumTokens = 0;
        NumSequences = 0;
        NumLogits = 0;
        QueryStart[0] = 0;
    }
}
