using System.Numerics.Tensors;

namespace LlmEngine.Execution.Cpu.Encoder;

/// <summary>
/// Bidirectional (unmasked) scaled dot-product attention within each sequence of the batch: every token attends to
/// every token of its own sequence. One work item is a (token, head) pair; K and V are read straight from the pass's
/// own rows, since an encoder keeps no cache.
/// </summary>
internal sealed unsafe class BidirectionalAttentionJob : IParallelWork
{
    private readonly EncoderBuffers _buffers;
    private readonly int _heads;
    private readonly int _headDim;
    private readonly float _scale;
    private readonly float*[] _scores;

    /// <summary>Creates the job with per-worker score rows for sequences up to <paramref name="maxSequenceLength"/> tokens.</summary>
    public BidirectionalAttentionJob(EncoderBuffers buffers, int heads, int headDim, NativeBuffer memory, int workers, int maxSequenceLength)
    {
        _buffers = buffers;
        _heads = heads;
        _headDim = headDim;
        _scale = 1f / MathF.Sqrt(headDim);
        _scores = new float*[workers];
        for (var i = 0; i < workers; i++)
        {
            _scores[i] = memory.Allocate(maxSequenceLength);
        }
    }

    /// <summary>Attends every head of the first <paramref name="tokens"/> tokens on <paramref name="pool"/>.</summary>
    public void Run(CpuWorkerPool pool, int tokens) => pool.Run(this, tokens * _heads, _heads);

    /// <inheritdoc />
    public void Execute(int start, int end, int worker)
    {
        var width = _buffers.HiddenSize;
        var headDim = _headDim;
        for (var item = start; item < end; item++)
        {
            var t = item / _heads;
            var offset = (long)(item % _heads) * headDim;
            var first = _buffers.SequenceStart[t];
            var length = _buffers.SequenceEnd[t] - first;
            var query = new ReadOnlySpan<float>(_buffers.Query + (long)t * width + offset, headDim);
            var scores = new Span<float>(_scores[worker], length);
            for (var j = 0; j < length; j++)
            {
                var key = new ReadOnlySpan<float>(_buffers.Key + (long)(first + j) * width + offset, headDim);
                scores[j] = TensorPrimitives.Dot(query, key) * _scale;
            }
            TensorPrimitives.SoftMax(scores, scores);
            var output = new Span<float>(_buffers.Attention + (long)t * width + offset, headDim);
            output.Clear();
            for (var j = 0; j < length; j++)
            {
                var value = new ReadOnlySpan<float>(_buffers.Value + (long)(first + j) * width + offset, headDim);
                TensorPrimitives.MultiplyAdd(value, scores[j], output, output);
            }
        }
    }
}
