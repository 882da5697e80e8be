namespace LlmEngine.Execution.Cpu;

/// <summary>
/// Checks a <see cref="ForwardBatch"/> against the executor's limits before any memory is touched, so a scheduler bug
/// surfaces as an exception that says what is wrong rather than as memory corruption or wrong logits.
/// </summary>
internal static class ForwardBatchValidator
{
    /// <summary>Throws <see cref="ArgumentException"/> describing the first inconsistency found.</summary>
    public static void Validate(ForwardBatch batch, int logitsLength, int vocabulary, int maxTokens, int numBlocks, int blockSize, int maxModelLength)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var tokens = batch.NumTokens;
        var sequences = batch.NumSequences;
        Require(tokens >= 1 && tokens <= maxTokens, $"NumTokens {tokens} must be between 1 and the executor's MaxBatchTokens {maxTokens}");
        Require(sequences >= 1 && sequences <= batch.ContextLengths.Length, $"NumSequences {sequences} must be between 1 and {batch.ContextLengths.Length}");
        Require(batch.QueryStart[0] == 0 && batch.QueryStart[sequences] == tokens, $"QueryStart must run from 0 to NumTokens ({tokens})");
        Require(batch.NumLogits >= 0 && batch.NumLogits <= tokens, $"NumLogits {batch.NumLogits} must be between 0 and NumTokens {tokens}");
        Require(logitsLength >= (long)batch.NumLogits * vocabulary, $"logits holds {logitsLength} floats; {batch.NumLogits} rows of {vocabulary} are needed");
        var slots = (long)numBlocks * blockSize;
        for (var s = 0; s < sequences; s++)
        {
            var queries = batch.QueryStart[s + 1] - batch.QueryStart[s];
            var context = batch.ContextLengths[s];
            Require(queries >= 1, $"sequence {s} has no tokens (QueryStart must increase)");
            Require(context >= queries && context <= maxModelLength, $"sequence {s}: context length {context} must be between its {queries} new tokens and MaxModelLength {maxModelLength}");
            var table = batch.BlockTables[s].Span;
            var blocksNeeded = (context + blockSize - 1) / blockSize;
            Require(table.Length >= blocksNeeded, $"sequence {s}: its block table has {table.Length} blocks; {blocksNeeded} are needed for {context} tokens");
            for (var b = 0; b < blocksNeeded; b++)
            {
                Require((uint)table[b] < (uint)numBlocks, $"sequence {s}: block id {table[b]} is outside the cache's {numBlocks} blocks");
            }
        }
        for (var t = 0; t < tokens; t++)
        {
            Require((uint)batch.TokenIds[t] < (uint)vocabulary, $"token {t}: id {batch.TokenIds[t]} is outside the vocabulary ({vocabulary})");
            Require((uint)batch.SlotMapping[t] < (ulong)slots, $"token {t}: slot {batch.SlotMapping[t]} is outside the cache's {slots} slots");
            Require(batch.Positions[t] >= 0, $"token {t}: position {batch.Positions[t]} is negative");
        }
        for (var i = 0; i < batch.NumLogits; i++)
        {
            Require((uint)batch.LogitsIndices[i] < (uint)tokens, $"logits row {i}: token index {batch.LogitsIndices[i]} is outside the batch");
        }
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException("Invalid ForwardBatch: " + message + ".", "batch");
        }
    }
}
