using LlmEngine.Execution;
using LlmEngine.Scheduling;

namespace LlmEngine.Engine;

/// <summary>
/// Fills the executor's <see cref="ForwardBatch"/> from a <see cref="SchedulerOutput"/>: the flattened token ids,
/// positions and cache slots of every scheduled token, each sequence's block table and context length, and which
/// tokens need logits (the last token of a sequence that reaches its end, plus every prompt position of a request
/// asking for prompt log-probabilities). In-process this is the whole "new data once, then diffs" exchange: block
/// tables are views of the requests' own arrays, so nothing is copied per step but the scheduled tokens.
/// </summary>
internal sealed class ForwardBatchBuilder
{
    private readonly int _blockSize;

    public ForwardBatchBuilder(int blockSize) => _blockSize = blockSize;

    /// <summary>Fills <paramref name="batch"/> with every scheduled request; returns the number of logits rows.</summary>
    public int Fill(SchedulerOutput output, ForwardBatch batch)
    {
        batch.Clear();
        for (var i = 0; i < output.NumScheduledRequests; i++)
        {
            var request = output.GetScheduledRequest(i);
            if (!request.IsFinished)
            {
                Add(request, batch);
            }
        }
        return batch.NumLogits;
    }

    /// <summary>Fills <paramref name="batch"/> with <paramref name="request"/> alone (to find which request fails a step).</summary>
    public int FillSingle(Request request, ForwardBatch batch)
    {
        batch.Clear();
        Add(request, batch);
        return batch.NumLogits;
    }

    /// <summary>Logits rows a request needs this step.</summary>
    public static int CountLogitsRows(Request request)
    {
        var rows = NumPromptLogprobRows(request);
        return request.NumComputedTokens + request.NumScheduledTokens >= request.NumTokens ? rows + 1 : rows;
    }

    private void Add(Request request, ForwardBatch batch)
    {
        var s = batch.NumSequences;
        var t = batch.NumTokens;
        var start = request.NumComputedTokens;
        var count = request.NumScheduledTokens;
        var tokens = batch.TokenIds;
        var positions = batch.Positions;
        var slots = batch.SlotMapping;
        for (var j = 0; j < count; j++)
        {
            var position = start + j;
            tokens[t + j] = request.GetTokenId(position);
            positions[t + j] = position;
            slots[t + j] = request.GetSlot(position, _blockSize);
        }

        request.LogitsRowStart = batch.NumLogits;
        var promptRows = NumPromptLogprobRows(request);
        for (var j = 0; j < promptRows; j++)
        {
            batch.LogitsIndices[batch.NumLogits++] = t + j;
        }
        request.NumPromptLogprobRows = promptRows;
        request.HasSampleRow = start + count >= request.NumTokens;
        if (request.HasSampleRow)
        {
            batch.LogitsIndices[batch.NumLogits++] = t + count - 1;
        }

        batch.NumTokens = t + count;
        batch.QueryStart[s + 1] = t + count;
        batch.ContextLengths[s] = start + count;
        batch.BlockTables[s] = request.BlockTable;
        batch.NumSequences = s + 1;
    }

    // Positions 0..P-2 predict prompt tokens 1..P-1; position P-1 predicts the first output token (the sampling row).
    private static int NumPromptLogprobRows(Request request)
    {
        if (request.NumPromptLogprobs is null || request.PromptLogprobsComplete)
        {
            return 0;
        }
        var start = request.NumComputedTokens;
        var end = Math.Min(start + request.NumScheduledTokens, request.NumPromptTokens - 1);
        return Math.Max(0, end - start);
    }
}
