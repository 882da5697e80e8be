using LlmEngine.Execution;

namespace LlmEngine.Tests.Engine.Fakes;

/// <summary>
/// A test executor with a real paged "KV cache" of (token, position) pairs: each step writes every scheduled token to
/// its slot, then reads each logits row's whole context back through the block table, checking every slot holds the
/// token at that position, and runs <see cref="ToyModel"/> on it. Wrong slot mappings, block tables, prefix-cache
/// hits or positions throw. It records each step's shape for scheduler tests.
/// </summary>
internal sealed class ScriptedExecutor : IModelExecutor
{
    private readonly long[] _cache;

    public ScriptedExecutor(int vocabularySize, int numBlocks, int blockSize = 16)
    {
        VocabularySize = vocabularySize;
        NumBlocks = numBlocks;
        BlockSize = blockSize;
        _cache = new long[numBlocks * blockSize];
        Array.Fill(_cache, -1);
    }

    public int VocabularySize { get; }

    public int BlockSize { get; }

    public int NumBlocks { get; }

    /// <summary>Throws from <see cref="Execute"/> when it returns true for the batch (failure injection).</summary>
    public Func<ForwardBatch, bool>? FailWhen { get; set; }

    /// <summary>Each step's (tokens, sequences, logits rows), in order. Thread-safe to read after the engine stops.</summary>
    public List<(int NumTokens, int NumSequences, int NumLogits)> Steps { get; } = [];

    /// <summary>Each step's per-sequence query lengths.</summary>
    public List<int[]> QueryLengths { get; } = [];

    /// <summary>
    /// When set, forces the next token: called with the context, a non-negative result gets a logit far above the rest.
    /// </summary>
    public Func<int[], int>? Script { get; set; }

    /// <summary>Runs before each step (to block the loop in tests, for example).</summary>
    public Action? BeforeStep { get; set; }

    public void Execute(ForwardBatch batch, Span<float> logits)
    {
        BeforeStep?.Invoke();
        lock (Steps)
        {
            Steps.Add((batch.NumTokens, batch.NumSequences, batch.NumLogits));
            var lengths = new int[batch.NumSequences];
            for (var s = 0; s < batch.NumSequences; s++)
            {
                lengths[s] = batch.QueryStart[s + 1] - batch.QueryStart[s];
            }
            QueryLengths.Add(lengths);
        }
        if (FailWhen?.Invoke(batch) == true)
        {
            throw new InvalidOperationException("Injected executor failure.");
        }
        for (var t = 0; t < batch.NumTokens; t++)
        {
            _cache[batch.SlotMapping[t]] = Pack(batch.TokenIds[t], batch.Positions[t]);
        }
        for (var row = 0; row < batch.NumLogits; row++)
        {
            var t = batch.LogitsIndices[row];
            var s = SequenceOf(batch, t);
            var contextLength = batch.Positions[t] + 1;
            if (contextLength > batch.ContextLengths[s])
            {
                throw new InvalidOperationException($"Token {t} at position {batch.Positions[t]} is beyond its sequence's context length {batch.ContextLengths[s]}.");
            }
            var table = batch.BlockTables[s].Span;
            var context = new int[contextLength];
            for (var p = 0; p < contextLength; p++)
            {
                var slot = table[p / BlockSize] * BlockSize + p % BlockSize;
                var entry = _cache[slot];
                if (entry < 0 || (int)(entry >> 32) != p)
                {
                    throw new InvalidOperationException($"KV slot {slot} does not hold position {p} of sequence {s}.");
                }
                context[p] = (int)(entry & 0xFFFFFFFF);
            }
            var rowLogits = logits.Slice(row * VocabularySize, VocabularySize);
            ToyModel.NextTokenLogits(context, rowLogits);
            if (Script?.Invoke(context) is >= 0 and var forced)
            {
                rowLogits[forced] = 100f;
            }
        }
    }

    public void Dispose()
    {
    }

    private static long Pack(int token, int position) => ((long)position << 32) | (uint)token;

    private static int SequenceOf(ForwardBatch batch, int tokenIndex)
    {
        for (var s = 0; s < batch.NumSequences; s++)
        {
            if (tokenIndex < batch.QueryStart[s + 1])
            {
                return s;
            }
        }
        throw new InvalidOperationException($"Token index {tokenIndex} is outside the batch.");
    }
}
