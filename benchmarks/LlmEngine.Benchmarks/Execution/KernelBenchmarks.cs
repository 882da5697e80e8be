using BenchmarkDotNet.Attributes;
using LlmEngine.Execution;
using LlmEngine.Execution.Cpu;
using LlmEngine.Models;
using LlmEngine.Models.Architectures;

namespace LlmEngine.Benchmarks.Execution;

/// <summary>
/// The CPU executor's small kernels at a Llama-3-8B-like shape (hidden 4096, 32 query heads sharing 8 KV heads of
/// 128): RMSNorm of one token, rope on one token's queries, and paged attention of one decode token over 1,024
/// cached positions, on one thread.
/// </summary>
[MemoryDiagnoser]
public unsafe class KernelBenchmarks
{
    private const int Context = 1024;
    private const int BlockSize = 16;

    private static readonly ModelConfig s_config = new()
    {
        Architecture = "llama",
        VocabularySize = 128256,
        HiddenSize = 4096,
        NumLayers = 1,
        NumHeads = 32,
        NumKvHeads = 8,
        HeadDim = 128,
        IntermediateSize = 14336,
        ContextLength = 8192,
        RmsNormEpsilon = 1e-5f,
        RopeTheta = 500000f,
        RopeDimensions = 128,
        RopeStyle = RopeStyle.Neox,
    };

    private readonly float[] _hidden = new float[4096];
    private readonly float[] _normWeight = new float[4096];
    private readonly float[] _normed = new float[4096];
    private readonly float[] _queries = new float[32 * 128];
    private readonly float[] _cos = new float[128];
    private readonly float[] _sin = new float[128];
    private CpuWorkerPool _pool = null!;
    private ForwardBuffers _buffers = null!;
    private PagedKVCache _cache = null!;
    private NativeBuffer _scratch = null!;
    private PagedAttentionJob _attention = null!;
    private readonly ForwardBatch _batch = new(1, 1);

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        foreach (var array in new[] { _hidden, _normWeight, _queries })
        {
            for (var i = 0; i < array.Length; i++)
            {
                array[i] = (float)random.NextDouble() - 0.5f;
            }
        }
        var rope = RopeParameters.Create(s_config, null, s_config.ContextLength);
        RotaryEmbedding.FillTable(rope, 1000, _cos, _sin);

        _pool = new CpuWorkerPool(1);
        _buffers = new ForwardBuffers(s_config, 1);
        _cache = new PagedKVCache(1, Context / BlockSize, BlockSize, 8 * 128);
        _scratch = new NativeBuffer();
        _attention = new PagedAttentionJob(s_config, _buffers, _cache, _scratch, 1, Context);
        var cacheFloats = (long)Context * 8 * 128;
        for (long i = 0; i < cacheFloats; i++)
        {
            _cache.Keys(0)[i] = (float)random.NextDouble() - 0.5f;
            _cache.Values(0)[i] = (float)random.NextDouble() - 0.5f;
        }
        _queries.AsSpan().CopyTo(new Span<float>(_buffers.Query, _queries.Length));
        _buffers.TokenSequence[0] = 0;
        _buffers.AttentionLength[0] = Context;
        _batch.NumTokens = 1;
        _batch.NumSequences = 1;
        _batch.QueryStart[1] = 1;
        _batch.ContextLengths[0] = Context;
        // A permuted table, as a long-running cache would hand out.
        _batch.BlockTables[0] = Enumerable.Range(0, Context / BlockSize).Select(b => b * 7 % (Context / BlockSize)).ToArray();
    }

    [Benchmark]
    public void RmsNorm4096() => RmsNorm.Apply(_hidden, _normWeight, _normed, 1e-5f);

    [Benchmark]
    public void RopeNeox32Heads()
    {
        for (var h = 0; h < 32; h++)
        {
            RotaryEmbedding.Apply(_queries.AsSpan(h * 128, 128), _cos, _sin, RopeStyle.Neox);
        }
    }

    [Benchmark]
    public void PagedAttentionDecode1024() => _attention.Run(_pool, _batch, 0);

    [GlobalCleanup]
    public void Cleanup()
    {
        _pool.Dispose();
        _buffers.Dispose();
        _cache.Dispose();
        _scratch.Dispose();
    }
}
