using System.Numerics.Tensors;
using LlmEngine.Models.Architectures;
using LlmEngine.Models.Quantization;

namespace LlmEngine.Execution.Cpu.Encoder;

/// <summary>
/// The encoder's input rows: word + position + token-type (segment 0) embeddings, summed and layer-normalized, one
/// token per work item. Each worker dequantizes the position and type rows into its own scratch.
/// </summary>
internal sealed unsafe class BertEmbeddingJob : IParallelWork
{
    private readonly BertWeights _weights;
    private readonly EncoderBuffers _buffers;
    private readonly float _epsilon;
    private readonly float*[] _scratch;
    private ForwardBatch _batch = null!;

    /// <summary>Creates the job with per-worker scratch rows.</summary>
    public BertEmbeddingJob(BertWeights weights, EncoderBuffers buffers, float epsilon, NativeBuffer memory, int workers)
    {
        _weights = weights;
        _buffers = buffers;
        _epsilon = epsilon;
        _scratch = new float*[workers];
        for (var i = 0; i < workers; i++)
        {
            _scratch[i] = memory.Allocate(buffers.HiddenSize);
        }
    }

    /// <summary>Embeds every token of <paramref name="batch"/> into <see cref="EncoderBuffers.Hidden"/>.</summary>
    public void Run(CpuWorkerPool pool, ForwardBatch batch)
    {
        _batch = batch;
        pool.Run(this, batch.NumTokens, 4);
    }

    /// <inheritdoc />
    public void Execute(int start, int end, int worker)
    {
        var width = _buffers.HiddenSize;
        var scratch = new Span<float>(_scratch[worker], width);
        for (var t = start; t < end; t++)
        {
            var row = new Span<float>(_buffers.Hidden + (long)t * width, width);
            Read(_weights.TokenEmbedding, _batch.TokenIds[t], row);
            Read(_weights.PositionEmbedding, _batch.Positions[t], scratch);
            TensorPrimitives.Add(row, scratch, row);
            if (_weights.TokenTypeEmbedding is { } types)
            {
                Read(types, 0, scratch);
                TensorPrimitives.Add(row, scratch, row);
            }
            LayerNorm.Apply(row, _weights.EmbeddingNorm, _weights.EmbeddingNormBias, row, _epsilon);
        }
    }

    private static void Read(WeightMatrix table, int row, Span<float> destination) =>
        Dequantizer.Dequantize(table.Type, table.RowData(row), destination);
}
