using BenchmarkDotNet.Attributes;
using LlmEngine.Execution;
using LlmEngine.Execution.Cpu;
using LlmEngine.Models;

namespace LlmEngine.Benchmarks.Execution;

/// <summary>
/// Whole forward passes of <c>stories260K</c> through <see cref="CpuModelExecutor"/>: one decode step at position 64,
/// and a 64-token prefill with logits for the last token only (what a scheduler asks for).
/// </summary>
[MemoryDiagnoser]
public class ForwardPassBenchmarks
{
    private const int PromptLength = 64;

    private LoadedModel _model = null!;
    private CpuModelExecutor _executor = null!;
    private readonly ForwardBatch _prefill = new(PromptLength, 1);
    private readonly ForwardBatch _decode = new(1, 1);
    private float[] _logits = [];

    /// <summary>Threads of the executor.</summary>
    [Params(1, 4)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _model = ModelLoader.Load(BenchmarkModels.File("stories260K.gguf"));
        _executor = new CpuModelExecutor(_model, new CpuModelExecutorOptions { NumBlocks = 8, ThreadCount = Threads, MaxBatchTokens = PromptLength });
        _logits = new float[_executor.VocabularySize];
        int[] table = [0, 1, 2, 3, 4, 5, 6, 7];
        Fill(_prefill, table, 0, PromptLength);
        Fill(_decode, table, PromptLength, 1);
        _executor.Execute(_prefill, _logits);
    }

    [Benchmark]
    public void DecodeStep() => _executor.Execute(_decode, _logits);

    [Benchmark]
    public void Prefill64() => _executor.Execute(_prefill, _logits);

    [GlobalCleanup]
    public void Cleanup()
    {
        _executor.Dispose();
        _model.Dispose();
    }

    private static void Fill(ForwardBatch batch, int[] table, int start, int count)
    {
        batch.Clear();
        for (var i = 0; i < count; i++)
        {
            var position = start + i;
            batch.TokenIds[i] = 1 + position * 7 % 500;
            batch.Positions[i] = position;
            batch.SlotMapping[i] = table[position / 16] * 16 + position % 16;
        }
        batch.NumTokens = count;
        batch.NumSequences = 1;
        batch.QueryStart[1] = count;
        batch.ContextLengths[0] = start + count;
        batch.BlockTables[0] = table;
        batch.NumLogits = 1;
        batch.LogitsIndices[0] = count - 1;
    }
}
