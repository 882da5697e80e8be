using LlmEngine.Execution;
using LlmEngine.Execution.Cpu;
using LlmEngine.Models;
using NUnit.Framework;

namespace LlmEngine.Tests.Execution;

/// <summary>The paged attention job against a direct softmax(q·K/√d)·V over each sequence's tokens, for every head-size path.</summary>
public unsafe class PagedAttentionJobTests
{
    [TestCase(8, 4, 2)]
    [TestCase(64, 14, 2)]
    [TestCase(64, 9, 3)]
    [TestCase(128, 8, 8)]
    [TestCase(96, 4, 1)]
    public void MatchesTheDirectComputation_OverScatteredBlocks(int headDim, int heads, int kvHeads)
    {
        const int BlockSize = 16;
        var config = new ModelConfig
        {
            Architecture = "llama",
            VocabularySize = 8,
            HiddenSize = heads * headDim,
            NumLayers = 1,
            NumHeads = heads,
            NumKvHeads = kvHeads,
            HeadDim = headDim,
            IntermediateSize = 8,
            ContextLength = 128,
            RmsNormEpsilon = 1e-5f,
            RopeTheta = 10000,
            RopeDimensions = headDim,
            RopeStyle = RopeStyle.Normal,
        };
        // Three sequences: a 37-token context decoding one token, a 5-token prompt, and a 70-token context with 2 new tokens.
        int[] contexts = [37, 5, 70];
        int[] newTokens = [1, 5, 2];
        int[][] tables = [[7, 2, 9], [4], [0, 11, 3, 8, 5]];
        var random = new Random(headDim * 100 + heads);
        var kvWidth = kvHeads * headDim;
        using var memory = new NativeBuffer();
        using var cache = new PagedKVCache(1, 12, BlockSize, kvWidth);
        using var buffers = new ForwardBuffers(config, 16);
        for (var i = 0; i < 12 * BlockSize * kvWidth; i++)
        {
            cache.Keys(0)[i] = (float)(random.NextDouble() * 2 - 1);
            cache.Values(0)[i] = (float)(random.NextDouble() * 2 - 1);
        }
        var batch = new ForwardBatch(16, 3);
        var t = 0;
        for (var s = 0; s < contexts.Length; s++)
        {
            for (var j = 0; j < newTokens[s]; j++, t++)
            {
                buffers.TokenSequence[t] = s;
                buffers.AttentionLength[t] = contexts[s] - newTokens[s] + j + 1;
            }
            batch.BlockTables[s] = tables[s];
            batch.QueryStart[s + 1] = t;
            batch.ContextLengths[s] = contexts[s];
        }
        batch.NumTokens = t;
        batch.NumSequences = contexts.Length;
        for (var i = 0; i < t * heads * headDim; i++)
        {
            buffers.Query[i] = (float)(random.NextDouble() * 4 - 2);
        }

        using var pool = new CpuWorkerPool(2);
        var job = new PagedAttentionJob(config, buffers, cache, memory, 2, 128);
        job.Run(pool, batch, 0);

        var scale = 1f / MathF.Sqrt(headDim);
        for (var token = 0; token < t; token++)
        {
            var table = tables[buffers.TokenSequence[token]];
            var length = buffers.AttentionLength[token];
            for (var h = 0; h < heads; h++)
            {
                var kvHead = h / (heads / kvHeads);
                var q = buffers.Query + (token * heads + h) * headDim;
                var weights = new double[length];
                var max = double.NegativeInfinity;
                for (var p = 0; p < length; p++)
                {
                    var key = cache.Keys(0) + ((long)table[p / BlockSize] * BlockSize + p % BlockSize) * kvWidth + kvHead * headDim;
                    var dot = 0.0;
                    for (var d = 0; d < headDim; d++)
                    {
                        dot += q[d] * key[d];
                    }
                    weights[p] = dot * scale;
                    max = Math.Max(max, weights[p]);
                }
                var sum = 0.0;
                for (var p = 0; p < length; p++)
                {
                    weights[p] = Math.Exp(weights[p] - max);
                    sum += weights[p];
                }
                var output = buffers.Attention + (token * heads + h) * headDim;
                for (var d = 0; d < headDim; d++)
                {
                    var expected = 0.0;
                    for (var p = 0; p < length; p++)
                    {
                        expected += weights[p] / sum * cache.Values(0)[((long)table[p / BlockSize] * BlockSize + p % BlockSize) * kvWidth + kvHead * headDim + d];
                    }
                    Assert.That(output[d], Is.EqualTo(expected).Within(1e-5), $"token {token}, head {h}, dim {d}");
                }
            }
        }
    }
}
