using BenchmarkDotNet.Attributes;
using LlmEngine.Benchmarks.Execution;
using LlmEngine.Composition;
using LlmEngine.Embeddings;
using LlmEngine.Models;
using LlmEngine.Models.Architectures;
using LlmEngine.Models.Gguf;

namespace LlmEngine.Benchmarks.Embeddings;

/// <summary>
/// Embedding throughput: one <see cref="LlmEngineEmbeddingGenerator.GenerateAsync"/> call with 64 sentences (10 to 15
/// words) on random-weight BERTs with the real bge vocabulary. <c>tiny</c> is the
/// test suite's model (hidden 32, 2 layers, 4 heads, feed-forward 64); <c>bge-small</c> has bge-small-en-v1.5's shape
/// (hidden 384, 12 layers, 12 heads, feed-forward 1536). Each operation is one input, so inputs/s = 1 / Mean.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class EmbeddingThroughputBenchmarks
{
    private const int Inputs = 64;

    private static readonly string[] s_sentences =
    [
        "The cat sat quietly on the warm mat by the kitchen window.",
        "A dog is playing fetch with a red ball in the garden.",
        "Embeddings map pieces of text to vectors of real numbers.",
        "Paris is the capital and the largest city of France.",
        "The quick brown fox jumps over the lazy dog near the river bank.",
        "Vectors that lie close together usually mean similar text.",
        "She bought fresh bread, cheese and apples at the morning market.",
        "Rain is expected across the northern region later this afternoon.",
        "The engine schedules requests and batches their tokens on every step.",
        "A small model can still answer simple questions about stories.",
        "He forgot his umbrella and walked home through the heavy rain.",
        "The library opens at nine and closes at six on weekdays.",
        "Neural networks learn patterns from large amounts of example data.",
        "Our team will meet on Thursday to review the quarterly results.",
        "The mountain trail was steep, rocky and covered in fresh snow.",
        "Please remember to water the plants while I am away next week.",
    ];

    private string _directory = "";
    private LocalModel _model = null!;
    private LlmEngineEmbeddingGenerator _generator = null!;
    private string[] _batch = [];

    /// <summary>The model's shape.</summary>
    [Params("tiny", "bge-small")]
    public string Shape { get; set; } = "tiny";

    [GlobalSetup]
    public void Setup()
    {
        using var vocabulary = GgufFile.Open(BenchmarkModels.File("vocab/ggml-vocab-bert-bge.gguf"));
        var tokens = vocabulary.Metadata.Tokens!.Length;
        ModelConfig config = Shape == "tiny"
            ? BertCheckpointWriter.Config(tokens, hidden: 32, layers: 2, heads: 4, intermediate: 64, context: 64, PoolingType.Cls)
            : BertCheckpointWriter.Config(tokens, hidden: 384, layers: 12, heads: 12, intermediate: 1536, context: 512, PoolingType.Cls);
        _directory = Path.Combine(Path.GetTempPath(), "llmengine-embedding-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        var path = Path.Combine(_directory, $"bert-{Shape}.gguf");
        BertCheckpointWriter.WriteGguf(path, config, BertCheckpointWriter.RandomTensors(config, seed: 1), vocabulary.Metadata);
        _model = LocalModel.Load(new LocalModelOptions { Model = path });
        _generator = new LlmEngineEmbeddingGenerator(_model);
        _batch = Enumerable.Range(0, Inputs).Select(i => s_sentences[i % s_sentences.Length] + (i < s_sentences.Length ? "" : $" Note {i}.")).ToArray();
    }

    [Benchmark(OperationsPerInvoke = Inputs)]
    public Task Embed64Sentences() => _generator.GenerateAsync(_batch);

    [GlobalCleanup]
    public void Cleanup()
    {
        _model.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
