using LlmEngine.Models;
using LlmEngine.Models.Architectures;

namespace LlmEngine.Execution.Cpu;

/// <summary>
/// Per token, after the Q/K/V projections: the per-head Q/K norms (qwen3), rope on Q and K, and the token's K and V
/// written to its KV-cache slot.
/// </summary>
internal sealed unsafe class RotateAndCacheJob(ModelConfig config, RopeStyle style, ForwardBuffers buffers, PagedKVCache cache) : IParallelWork
{
    private LayerWeights _layer = null!;
    private int _layerIndex;
    private int[] _slots = [];

    /// <summary>Runs layer <paramref name="layerIndex"/>'s step for the first <paramref name="tokens"/> tokens, writing to <paramref name="slots"/>.</summary>
    public void Run(CpuWorkerPool pool, LayerWeights layer, int layerIndex, int[] slots, int tokens)
    {
        _layer = layer;
        _layerIndex = layerIndex;
        _slots = slots;
        pool.Run(this, tokens, 4);
    }

    /// <inheritdoc />
    public void Execute(int start, int end, int worker)
    {
        var headDim = config.HeadDim;
        var ropeWidth = buffers.RopeWidth;
        var kvWidth = buffers.KeyWidth;
        var keys = cache.Keys(_layerIndex);
        var values = cache.Values(_layerIndex);
        for (var t = start; t < end; t++)
        {
            var cos = new ReadOnlySpan<float>(buffers.RopeCos + (long)t * ropeWidth, ropeWidth);
            var sin = new ReadOnlySpan<float>(buffers.RopeSin + (long)t * ropeWidth, ropeWidth);
            Heads(buffers.Query + (long)t * buffers.QueryWidth, config.NumHeads, headDim, _layer.QueryNorm, cos, sin);
            Heads(buffers.Key + (long)t * kvWidth, config.NumKvHeads, headDim, _layer.KeyNorm, cos, sin);
            var slot = (long)_slots[t] * kvWidth;
            new ReadOnlySpan<float>(buffers.Key + (long)t * kvWidth, kvWidth).CopyTo(new Span<float>(keys + slot, kvWidth));
            new ReadOnlySpan<float>(buffers.Value + (long)t * kvWidth, kvWidth).CopyTo(new Span<float>(values + slot, kvWidth));
        }
    }

    private void Heads(float* row, int heads, int headDim, float[]? norm, ReadOnlySpan<float> cos, ReadOnlySpan<float> sin)
    {
        for (var h = 0; h < heads; h++)
        {
            var head = new Span<float>(row + (long)h * headDim, headDim);
            if (norm is not null)
            {
                RmsNorm.Apply(head, norm, head, config.RmsNormEpsilon);
            }
            RotaryEmbedding.Apply(head, cos, sin, style);
        }
    }
}
