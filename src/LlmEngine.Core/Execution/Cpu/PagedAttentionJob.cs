using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using LlmEngine.Models;

namespace LlmEngine.Execution.Cpu;

/// <summary>
/// Causal attention over the paged KV cache. One work item is a (token, KV head) pair: the query heads that share the
/// KV head (GQA) are done together, so each cached K and V row is read once for the group (64- and 128-float heads
/// instead go head by head with the query and output held in AVX-512 registers: the rows come from L1/L2 again for
/// each head of the group, which costs less than reloading q and storing out at every position). A token sees the first
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
        var scores = _scores[worker];
        for (var item = start; item < end; item++)
        {
            var t = item / kvHeads;
            var kvHead = item % kvHeads;
            var length = _buffers.AttentionLength[t];
            var table = _batch.BlockTables[_buffers.TokenSequence[t]].Span;
            var query = _buffers.Query + (long)t * _buffers.QueryWidth + (long)kvHead * group * headDim;
            var output = _buffers.Attention + (long)t * _buffers.QueryWidth + (long)kvHead * group * headDim;
            if (headDim == 64 && Vector512.IsHardwareAccelerated)
            {
                for (var g = 0; g < group; g++)
                {
                    AttendHead64(query + (long)g * headDim, output + (long)g * headDim, table, kvHead, length, scores);
                }
            }
            else if (headDim == 128 && Vector512.IsHardwareAccelerated)
            {
                for (var g = 0; g < group; g++)
                {
                    AttendHead128(query + (long)g * headDim, output + (long)g * headDim, table, kvHead, length, scores);
                }
            }
            else
            {
                AttendGroup(query, output, table, kvHead, group, length, scores);
            }
        }
    }

    // One query head of 64 floats: the query and the output accumulator stay in four registers for the whole
    // context, so each cached K and V row is one pass of loads and FMAs (no reload or store of q and out per position).
    private void AttendHead64(float* query, float* output, ReadOnlySpan<int> table, int kvHead, int length, float* scores)
    {
        var kvWidth = _buffers.KeyWidth;
        var blockSize = _cache.BlockSize;
        var keys = _cache.Keys(_layerIndex) + (long)kvHead * 64;
        var values = _cache.Values(_layerIndex) + (long)kvHead * 64;
        var q0 = Vector512.Load(query);
        var q1 = Vector512.Load(query + 16);
        var q2 = Vector512.Load(query + 32);
        var q3 = Vector512.Load(query + 48);
        for (var first = 0; first < length; first += blockSize)
        {
            var k = keys + (long)table[first / blockSize] * blockSize * kvWidth;
            var n = Math.Min(blockSize, length - first);
            for (var i = 0; i < n; i++, k += kvWidth)
            {
                var acc = Vector512.FusedMultiplyAdd(q0, Vector512.Load(k), Vector512.FusedMultiplyAdd(q1, Vector512.Load(k + 16), Vector512<float>.Zero));
                acc = Vector512.FusedMultiplyAdd(q2, Vector512.Load(k + 32), acc);
                acc = Vector512.FusedMultiplyAdd(q3, Vector512.Load(k + 48), acc);
                scores[first + i] = Vector512.Sum(acc) * _scale;
            }
        }
        var row = new Span<float>(scores, length);
        TensorPrimitives.SoftMax(row, row);
        Vector512<float> o0 = default, o1 = default, o2 = default, o3 = default;
        for (var first = 0; first < length; first += blockSize)
        {
            var v = values + (long)table[first / blockSize] * blockSize * kvWidth;
            var n = Math.Min(blockSize, length - first);
            for (var i = 0; i < n; i++, v += kvWidth)
            {
                var p = Vector512.Create(scores[first + i]);
                o0 = Vector512.FusedMultiplyAdd(p, Vector512.Load(v), o0);
                o1 = Vector512.FusedMultiplyAdd(p, Vector512.Load(v + 16), o1);
                o2 = Vector512.FusedMultiplyAdd(p, Vector512.Load(v + 32), o2);
                o3 = Vector512.FusedMultiplyAdd(p, Vector512.Load(v + 48), o3);
            }
        }
        o0.Store(output);
        o1.Store(output + 16);
        o2.Store(output + 32);
        o3.Store(output + 48);
    }

    // AttendHead64 for 128-float heads (Llama 3 8B, Qwen3, Mistral): eight registers each for query and output.
    private void AttendHead128(float* query, float* output, ReadOnlySpan<int> table, int kvHead, int length, float* scores)
    {
        var kvWidth = _buffers.KeyWidth;
        var blockSize = _cache.BlockSize;
        var keys = _cache.Keys(_layerIndex) + (long)kvHead * 128;
        var values = _cache.Values(_layerIndex) + (long)kvHead * 128;
        var q0 = Vector512.Load(query);
        var q1 = Vector512.Load(query + 16);
        var q2 = Vector512.Load(query + 32);
        var q3 = Vector512.Load(query + 48);
        var q4 = Vector512.Load(query + 64);
        var q5 = Vector512.Load(query + 80);
        var q6 = Vector512.Load(query + 96);
        var q7 = Vector512.Load(query + 112);
        for (var first = 0; first < length; first += blockSize)
        {
            var k = keys + (long)table[first / blockSize] * blockSize * kvWidth;
            var n = Math.Min(blockSize, length - first);
            for (var i = 0; i < n; i++, k += kvWidth)
            {
                var a = Vector512.FusedMultiplyAdd(q0, Vector512.Load(k), Vector512.FusedMultiplyAdd(q1, Vector512.Load(k + 16), Vector512<float>.Zero));
                var b = Vector512.FusedMultiplyAdd(q2, Vector512.Load(k + 32), Vector512.FusedMultiplyAdd(q3, Vector512.Load(k + 48), Vector512<float>.Zero));
                a = Vector512.FusedMultiplyAdd(q4, Vector512.Load(k + 64), a);
                b = Vector512.FusedMultiplyAdd(q5, Vector512.Load(k + 80), b);
                a = Vector512.FusedMultiplyAdd(q6, Vector512.Load(k + 96), a);
                b = Vector512.FusedMultiplyAdd(q7, Vector512.Load(k + 112), b);
                scores[first + i] = Vector512.Sum(a + b) * _scale;
            }
        }
        var row = new Span<float>(scores, length);
        TensorPrimitives.SoftMax(row, row);
        Vector512<float> o0 = default, o1 = default, o2 = default, o3 = default, o4 = default, o5 = default, o6 = default, o7 = default;
        for (var first = 0; first < length; first += blockSize)
        {
            var v = values + (long)table[first / blockSize] * blockSize * kvWidth;
            var n = Math.Min(blockSize, length - first);
            for (var i = 0; i < n; i++, v += kvWidth)
            {
                var p = Vector512.Create(scores[first + i]);
                o0 = Vector512.FusedMultiplyAdd(p, Vector512.Load(v), o0);
                o1 = Vector512.FusedMultiplyAdd(p, Vector512.Load(v + 16), o1);
                o2 = Vector512.FusedMultiplyAdd(p, Vector512.Load(v + 32), o2);
                o3 = Vector512.FusedMultiplyAdd(p, Vector512.Load(v + 48), o3);
                o4 = Vector512.FusedMultiplyAdd(p, Vector512.Load(v + 64), o4);
                o5 = Vector512.FusedMultiplyAdd(p, Vector512.Load(v + 80), o5);
                o6 = Vector512.FusedMultiplyAdd(p, Vector512.Load(v + 96), o6);
                o7 = Vector512.FusedMultiplyAdd(p, Vector512.Load(v + 112), o7);
            }
        }
        o0.Store(output);
        o1.Store(output + 16);
        o2.Store(output + 32);
        o3.Store(output + 48);
        o4.Store(output + 64);
        o5.Store(output + 80);
        o6.Store(output + 96);
        o7.Store(output + 112);
    }

    // Any head size: the query heads that share the KV head are done together, so each cached row is read once.
    private void AttendGroup(float* query, float* output, ReadOnlySpan<int> table, int kvHead, int group, int length, float* scores)
    {
        var headDim = _config.HeadDim;
        var kvWidth = _buffers.KeyWidth;
        var blockSize = _cache.BlockSize;
        var keys = _cache.Keys(_layerIndex);
        var values = _cache.Values(_layerIndex);
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
