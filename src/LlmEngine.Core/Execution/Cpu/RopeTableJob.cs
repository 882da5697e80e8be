using LlmEngine.Models.Architectures;

namespace LlmEngine.Execution.Cpu;

/// <summary>Computes each token's rope cos/sin once per step; every layer and head reuses them.</summary>
internal sealed unsafe class RopeTableJob(RopeParameters rope, ForwardBuffers buffers) : IParallelWork
{
    private int[] _positions = [];

    /// <summary>Fills the tables for the first <paramref name="tokens"/> entries of <paramref name="positions"/>.</summary>
    public void Run(CpuWorkerPool pool, int[] positions, int tokens)
    {
        _positions = positions;
        pool.Run(this, tokens, 16);
    }

    /// <inheritdoc />
    public void Execute(int start, int end, int worker)
    {
        var width = buffers.RopeWidth;
        for (var t = start; t < end; t++)
        {
            RotaryEmbedding.FillTable(rope, _positions[t],
                new Span<float>(buffers.RopeCos + (long)t * width, width), new Span<float>(buffers.RopeSin + (long)t * width, width));
        }
    }
}
