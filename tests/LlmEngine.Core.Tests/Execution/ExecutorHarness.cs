using LlmEngine.Execution;
using LlmEngine.Execution.Cpu;
using LlmEngine.Models;

namespace LlmEngine.Tests.Execution;

/// <summary>
/// Test-side driver of an executor, standing in for the scheduler: one or more sequences with their own block tables,
/// prompts in one batch (or chunks), then one token per step, greedy by argmax.
/// </summary>
internal sealed class ExecutorHarness : IDisposable
{
    public ExecutorHarness(string modelPath, int numBlocks = 64, int blockSize = 16, int threads = 2, int maxBatchTokens = 128, bool quantizeActivations = true)
    {
        Model = ModelLoader.Load(modelPath);
        Executor = new CpuModelExecutor(Model, new CpuModelExecutorOptions
        {
            NumBlocks = numBlocks,
            BlockSize = blockSize,
            ThreadCount = threads,
            MaxBatchTokens = maxBatchTokens,
            QuantizeActivations = quantizeActivations,
        });
        Batch = new ForwardBatch(maxBatchTokens, 8);
    }

    public LoadedModel Model { get; }

    public CpuModelExecutor Executor { get; }

    public ForwardBatch Batch { get; }

    public int Vocabulary => Executor.VocabularySize;

    /// <summary>Blocks 0, 1, 2, ... up to the cache size: the simplest block table.</summary>
    public int[] ContiguousBlocks(int first = 0, int? count = null) =>
        Enumerable.Range(first, count ?? Executor.NumBlocks - first).ToArray();

    /// <summary>
    /// Runs <paramref name="tokens"/> of one sequence as one step, the first at <paramref name="startPosition"/>, and
    /// returns the logits of every one of them (row-major).
    /// </summary>
    public float[] Forward(int[] blockTable, int startPosition, ReadOnlySpan<int> tokens) =>
        ForwardMany([(blockTable, startPosition, tokens.ToArray())]);

    /// <summary>Runs several sequences in one step; returns all their tokens' logits in batch order.</summary>
    public float[] ForwardMany(IReadOnlyList<(int[] BlockTable, int StartPosition, int[] Tokens)> sequences)
    {
        var batch = Batch;
        batch.Clear();
        var t = 0;
        var blockSize = Executor.BlockSize;
        for (var s = 0; s < sequences.Count; s++)
        {
            var (table, start, ids) = sequences[s];
            for (var i = 0; i < ids.Length; i++, t++)
            {
                var position = start + i;
                batch.TokenIds[t] = ids[i];
                batch.Positions[t] = position;
                batch.SlotMapping[t] = table[position / blockSize] * blockSize + position % blockSize;
                batch.LogitsIndices[t] = t;
            }
            batch.QueryStart[s + 1] = t;
            batch.ContextLengths[s] = start + ids.Length;
            batch.BlockTables[s] = table;
        }
        batch.NumTokens = t;
        batch.NumSequences = sequences.Count;
        batch.NumLogits = t;
        var logits = new float[t * Vocabulary];
        Executor.Execute(batch, logits);
        return logits;
    }

    /// <summary>Prompt in one batch with logits at every position, then <paramref name="count"/> greedy tokens.</summary>
    public (float[] PromptLogits, List<int> Generated) Greedy(int[] prompt, int count, int[]? blockTable = null)
    {
        blockTable ??= ContiguousBlocks();
        var promptLogits = Forward(blockTable, 0, prompt);
        var generated = new List<int>(count);
        var last = promptLogits.AsSpan((prompt.Length - 1) * Vocabulary, Vocabulary);
        for (var i = 0; i < count; i++)
        {
            var next = ArgMax(last);
            generated.Add(next);
            if (i + 1 < count)
            {
                last = Forward(blockTable, prompt.Length + i, [next]);
            }
        }
        return (promptLogits, generated);
    }

    public static int ArgMax(ReadOnlySpan<float> row)
    {
        var best = 0;
        for (var i = 1; i < row.Length; i++)
        {
            if (row[i] > row[best])
            {
                best = i;
            }
        }
        return best;
    }

    public static float MaxAbsDiff(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var max = 0f;
        for (var i = 0; i < a.Length; i++)
        {
            max = Math.Max(max, Math.Abs(a[i] - b[i]));
        }
        return max;
    }

    public void Dispose()
    {
        Executor.Dispose();
        Model.Dispose();
    }
}
