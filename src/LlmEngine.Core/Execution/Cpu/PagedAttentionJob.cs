using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using LlmEngine.Models;

namespace LlmEngine.Execution.Cpu;

/// <summary>
/// Causal attention over the paged KV cache. One work item is a (token, KV head) pair: the query heads that share the
/// KV head (GQA) are done together, so each cached K and V row is read once for the group. A token sees the first
/// <see cref="ForwardBuffers.AttentionLength"/> positions of its sequence, found through the sequence's block table.
/// </summary>
internal sealed unsafe class PagedAttentionJob : IParallelWork
{
    private readonly ModelConfig _config;
    private readonly ForwardBuffers _buffers;
    private readonly PagedKVCache _cache;
    private readonly float*[] _scores;
    private readonly int _maxContext;
    private readonly float _scale;
    private ForwardBatch _batch = null!;
    private int _layerIndex;

    /// <summary>Creates the job with per-worker score buffers for contexts up to <paramref name="maxContext"/> tokens.</summary>
    public PagedAttentionJob(ModelConfig config, ForwardBuffers buffers, PagedKVCache cache, NativeBuffer memory, int workers, int maxContext)
    {
        _config = config;
        _buffers = buffers;
        _cache = cache;
        _maxContext = maxContext;
        _scale = 1f / MathF.Sqrt(config.HeadDim);
        var group = config.NumHeads / config.NumKvHeads;
        _scores = new float*[workers];
        for (var i = 0; i < workers; i++)
        {
            _scores[i] = memory.Allocate((long)group * maxContext);
        }
    }

    /// <summary>Attends layer <paramref name="layerIndex"/> for every token of <paramref name="batch"/>.</summary>
    public void Run(CpuWorkerPool pool, ForwardBatch batch, int layerIndex)
    {
        _batch = batch;
        _layerIndex = layerIndex;
        pool.Run(this, batch.NumTokens * _config.NumKvHeads);
    }

    /// <inheritdoc />
    public void Execute(int start, int end, int worker)
    {
        var headDim = _config.HeadDim;
        var kvHeads = _config.NumKvHeads;
        var group = _config.NumHeads / kvHeads;
        var kvWidth = _buffers.KeyWidth;
        var blockSize = _cache.BlockSize;
        var keys = _cache.Keys(_layerIndex);
        var values = _cache.Values(_layerIndex);
        var scores = _scores[worker];
        for (var item = start; item < end; item++)
        {
            var t = item / kvHeads;
            var kvHead = item % kvHeads;
            var length = _buffers.AttentionLength[t];
            var table = _batch.BlockTables[_buffers.TokenSequence[t]].Span;
            var query = _buffers.Query + (long)t * _buffers.QueryWidth + (long)kvHead * group * headDim;
            var output = _buffers.Attention + (long)t * _buffers.QueryWidth + (long)kvHead * group * headDim;

            var blocks = (length + blockSize - 1) / blockSize;
            for (var b = 0; b < blocks; b++)
            {
                var first = b * blockSize;
                var slots = (long)table[b] * blockSize;
                for (var position = first; position < Math.Min(first + blockSize, length); position++)
                {
                    var key = keys + (slots + position - first) * kvWidth + (long)kvHead * headDim;
                    for (var g = 0; g < group; g++)
                    {
                        scores[(long)g * _maxContext + position] = Dot(query + (long)g * headDim, key, headDim) * _scale;
                    }
                }
            }
            for (var g = 0; g < group; g++)
            {
                var row = new Span<float>(scores + (long)g * _maxContext, length);
                TensorPrimitives.SoftMax(row, row);
                new Span<float>(output + (long)g * headDim, headDim).Clear();
            }
            for (var b = 0; b < blocks; b++)
            {
                var first = b * blockSize;
                var slots = (long)table[b] * blockSize;
                for (var position = first; position < Math.Min(first + blockSize, length); position++)
                {
                    var value = values + (slots + position - first) * kvWidth + (long)kvHead * headDim;
                    for (var g = 0; g < group; g++)
                    {
                        MultiplyAdd(value, scores[(long)g * _maxContext + position], output + (long)g * headDim, headDim);
                    }
                }
            }
        }
    }

    // Heads are short (64 to 256 floats): inline 8-wide loops avoid a library call per cached position and head.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Dot(float* a, float* b, int n)
    {
        if (!DotKernels.IsAccelerated || n % 8 != 0)
        {
            return TensorPrimitives.Dot(new ReadOnlySpan<float>(a, n), new ReadOnlySpan<float>(b, n));
        }
        // Two accumulators halve the FMA latency chain of a 128-float head.
        Vector256<float> acc0 = default, acc1 = default;
        var i = 0;
        for (; i + 16 <= n; i += 16)
        {
            acc0 = Vector256.FusedMultiplyAdd(Vector256.Load(a + i), Vector256.Load(b + i), acc0);
            acc1 = Vector256.FusedMultiplyAdd(Vector256.Load(a + i + 8), Vector256.Load(b + i + 8), acc1);
        }
        if (i < n)
        {
            acc0 = Vector256.FusedMultiplyAdd(Vector256.Load(a + i), Vector256.Load(b + i), acc0);
        }
        return Vector256.Sum(acc0 + acc1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MultiplyAdd(float* x, float scale, float* destination, int n)
    {
        if (!DotKernels.IsAccelerated || n % 8 != 0)
        {
            var d = new Span<float>(destination, n);
            TensorPrimitives.MultiplyAdd(new ReadOnlySpan<float>(x, n), scale, d, d);
            return;
        }
        var s = Vector256.Create(scale);
        for (var i = 0; i < n; i += 8)
        {
            Vector256.FusedMultiplyAdd(Vector256.Load(x + i), s, Vector256.Load(destination + i)).Store(destination + i);
        }
    }
}
