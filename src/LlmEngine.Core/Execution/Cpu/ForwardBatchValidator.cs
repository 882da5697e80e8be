namespace LlmEngine.Execution.Cpu;

/// <summary>
/// Checks a <see cref="ForwardBatch"/> against the executor's limits before any memory is touched, so a scheduler bug
/// surfaces as an exception that says what is wrong rather than as memory corruption or wrong logits.
/// </summary>
internal static class ForwardBatchValidator
{
    /// <summary>
    /// Throws <see cref="ArgumentException"/> describing the first inconsistency found. Output rows are
    /// <paramref name="rowWidth"/> floats wide (hidden states), or <paramref name="vocabulary"/> wide (logits) when null.
    /// </summary>
    public static void Validate(ForwardBatch batch, int logitsLength, int vocabulary, int maxTokens, int numBlocks, int blockSize, int maxModelLength, int? rowWidth = null)
    {
        var width = rowWidth ?? vocabulary;
        ArgumentNullException.ThrowIfNull(batch);
        var tokens = batch.NumTokens;
        var sequences = batch.NumSequences;
        if (!(tokens >= 1 && tokens <= maxTokens))
        {
            Fail($"NumTokens {tokens} must be between 1 and the executor's MaxBatchTokens {maxTokens}");
        }
        if (!(sequences >= 1 && sequences <= batch.ContextLengths.Length))
        {
            Fail($"NumSequences {sequences} must be between 1 and {batch.ContextLengths.Length}");
        }
        if (!(batch.QueryStart[0] == 0 && batch.QueryStart[sequences] == tokens))
        {
            Fail($"QueryStart must run from 0 to NumTokens ({tokens})");
        }
        if (!(batch.NumLogits >= 0 && batch.NumLogits <= tokens))
        {
            Fail($"NumLogits {batch.NumLogits} must be between 0 and NumTokens {tokens}");
        }
        if (!(logitsLength >= (long)batch.NumLogits * width))
        {
            Fail($"the output holds {logitsLength} floats; {batch.NumLogits} rows of {width} are needed");
        }
        var slots = (long)numBlocks * blockSize;
        for (var s = 0; s < sequences; s++)
        {
            var queries = batch.QueryStart[s + 1] - batch.QueryStart[s];
            var context = batch.ContextLengths[s];
            if (!(queries >= 1))
            {
                Fail($"sequence {s} has no tokens (QueryStart must increase)");
            }
            if (!(context >= queries && context <= maxModelLength))
            {
                Fail($"sequence {s}: context length {context} must be between its {queries} new tokens and MaxModelLength {maxModelLength}");
            }
            var table = batch.BlockTables[s].Span;
            var blocksNeeded = (context + blockSize - 1) / blockSize;
            if (!(table.Length >= blocksNeeded))
            {
                Fail($"sequence {s}: its block table has {table.Length} blocks; {blocksNeeded} are needed for {context} tokens");
            }
            for (var b = 0; b < blocksNeeded; b++)
            {
                if (!((uint)table[b] < (uint)numBlocks))
                {
                    Fail($"sequence {s}: block id {table[b]} is outside the cache's {numBlocks} blocks");
                }
            }
        }
        for (var t = 0; t < tokens; t++)
        {
            if (!((uint)batch.TokenIds[t] < (uint)vocabulary))
            {
                Fail($"token {t}: id {batch.TokenIds[t]} is outside the vocabulary ({vocabulary})");
            }
            if (!((uint)batch.SlotMapping[t] < (ulong)slots))
            {
                Fail($"token {t}: slot {batch.SlotMapping[t]} is outside the cache's {slots} slots");
            }
            if (!(batch.Positions[t] >= 0))
            {
                Fail($"token {t}: position {batch.Positions[t]} is negative");
            }
        }
        for (var i = 0; i < batch.NumLogits; i++)
        {
            if (!((uint)batch.LogitsIndices[i] < (uint)tokens))
            {
                Fail($"logits row {i}: token index {batch.LogitsIndices[i]} is outside the batch");
            }
        }
    }

    // Messages are only formatted on failure: validation runs every step over every token.
    private static void Fail(string message) => throw new ArgumentException("Invalid ForwardBatch: " + message + ".", "batch");
}
