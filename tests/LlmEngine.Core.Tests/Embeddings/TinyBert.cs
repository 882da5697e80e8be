using LlmEngine.Embeddings;
using LlmEngine.Models;
using LlmEngine.Models.Architectures;
using LlmEngine.Models.Gguf;
using LlmEngine.Tests.Infrastructure;

namespace LlmEngine.Tests.Embeddings;

/// <summary>
/// A random-weight BERT with the real bert-bge WordPiece vocabulary (30,522 tokens), written once per test run as a
/// GGUF file and as a Transformers folder from the same tensors: hidden 32, 2 layers, 4 heads, feed-forward 64, 64
/// positions (short, so over-long inputs are easy to make), CLS pooling declared.
/// </summary>
internal static class TinyBert
{
    public const string VocabularyFile = "vocab/ggml-vocab-bert-bge.gguf";
    public const int Hidden = 32;
    public const int Context = 64;
    public const int Seed = 7;

    private static readonly Lazy<(string Gguf, string Folder, ModelConfig Config)> s_files = new(Write);

    /// <summary>The GGUF file.</summary>
    public static string GgufPath => s_files.Value.Gguf;

    /// <summary>The Transformers folder (weights, config, tokenizer files converted back from the GGUF vocabulary, 1_Pooling).</summary>
    public static string FolderPath => s_files.Value.Folder;

    /// <summary>The configuration both were written from.</summary>
    public static ModelConfig Config => s_files.Value.Config;

    /// <summary>Sentences of different lengths, some sharing words.</summary>
    public static readonly string[] Sentences =
    [
        "The cat sat on the mat.",
        "A dog is playing in the garden.",
        "Embeddings map text to vectors.",
        "hello",
        "What is the capital of France? Paris is the capital of France.",
        "The quick brown fox jumps over the lazy dog.",
        "Vectors that are close mean similar text.",
        "Unbelievable résumé naïveté!",
    ];

    /// <summary>The temporary folder everything is written to; deleted by <see cref="EmbeddingsTestCleanup"/>.</summary>
    public static string? Directory { get; private set; }

    private static (string, string, ModelConfig) Write()
    {
        var vocabularyPath = TestData.File(VocabularyFile);
        using var vocabulary = GgufFile.Open(vocabularyPath);
        var config = BertCheckpointWriter.Config(vocabulary.Metadata.Tokens!.Length, Hidden, layers: 2, heads: 4, intermediate: 64,
            context: Context, PoolingType.Cls);
        var tensors = BertCheckpointWriter.RandomTensors(config, Seed);
        Directory = Path.Combine(Path.GetTempPath(), "llmengine-embeddings-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        var gguf = Path.Combine(Directory, "tiny-bert.gguf");
        var folder = Path.Combine(Directory, "tiny-bert-hf");
        BertCheckpointWriter.WriteGguf(gguf, config, tensors, vocabulary.Metadata);
        BertCheckpointWriter.WriteHuggingFace(folder, config, tensors, vocabulary.Metadata);
        return (gguf, folder, config);
    }
}
