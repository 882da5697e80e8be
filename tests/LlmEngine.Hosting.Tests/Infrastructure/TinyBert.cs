using LlmEngine.Embeddings;
using LlmEngine.Models.Architectures;
using LlmEngine.Models.Gguf;

namespace LlmEngine.Hosting.Tests.Infrastructure;

/// <summary>
/// A random-weight BERT encoder (hidden 32, 2 layers, context 64, CLS pooling) with the real bert-bge WordPiece
/// vocabulary from the shared test data, written as a GGUF file into a temporary folder: there is no small real BERT
/// to share, and the weights do not matter to the server, only the shape of the model.
/// </summary>
internal sealed class TinyBert : IDisposable
{
    public const int Hidden = 32;
    public const int Context = 64;

    private readonly string _directory;

    private TinyBert(string directory, string path)
    {
        _directory = directory;
        Path = path;
    }

    /// <summary>The GGUF file.</summary>
    public string Path { get; }

    /// <summary>Writes the model; Ignores the calling test when the shared vocabulary is missing.</summary>
    public static TinyBert Write()
    {
        var vocabularyPath = TestData.File("vocab/ggml-vocab-bert-bge.gguf");
        using var vocabulary = GgufFile.Open(vocabularyPath);
        var config = BertCheckpointWriter.Config(vocabulary.Metadata.Tokens!.Length, Hidden, layers: 2, heads: 4, intermediate: 64, context: Context, PoolingType.Cls);
        var directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "llmengine-hosting-bert-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var path = System.IO.Path.Combine(directory, "tiny-bert.gguf");
        BertCheckpointWriter.WriteGguf(path, config, BertCheckpointWriter.RandomTensors(config, seed: 7), vocabulary.Metadata);
        return new TinyBert(directory, path);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
