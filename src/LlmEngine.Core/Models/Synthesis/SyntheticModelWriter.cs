using System.Runtime.InteropServices;
using LlmEngine.Models.Gguf;
using LlmEngine.Models.Quantization;

namespace LlmEngine.Models.Synthesis;

/// <summary>
/// Writes a GGUF model of a <see cref="SyntheticModelSpec"/>'s shape with seeded random weights (N(0, 0.02) matrices
/// and biases, norms near 1), llama.cpp's tensor names and metadata, and a real tokenizer copied from a vocabulary
/// GGUF. Tensors are generated and quantized in parallel over rows and streamed to disk one chunk at a time, so
/// memory stays small whatever the model size.
/// </summary>
public static class SyntheticModelWriter
{
    private const float WeightStddev = 0.02f;
    private const float NormNoiseStddev = 0.01f;
    private const int ChunkBytes = 4 << 20;

    /// <summary>
    /// Writes the model to <paramref name="path"/>. <paramref name="weightType"/> is F16, Q8_0, Q4_0 or Q4_K (meaning
    /// llama-quantize's Q4_K_M mix); the tokenizer (<c>tokenizer.*</c> keys, and so the vocabulary size) comes from the
    /// GGUF at <paramref name="vocabularyPath"/>. The same seed gives the same bytes.
    /// </summary>
    /// <param name="spec">The model's shape.</param>
    /// <param name="vocabularyPath">A GGUF holding <c>tokenizer.ggml.*</c> metadata, usually <see cref="SyntheticModelSpec.VocabularyFile"/> from the shared vocab folder.</param>
    /// <param name="weightType">The weight type.</param>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="progress">Receives the fraction of parameters written, from 0 to 1.</param>
    /// <param name="seed">The random seed.</param>
    /// <param name="maxDegreeOfParallelism">Threads quantizing rows; -1 for one per core.</param>
    public static void WriteGguf(SyntheticModelSpec spec, string vocabularyPath, GgmlType weightType, string path,
        IProgress<double>? progress = null, int seed = 0, int maxDegreeOfParallelism = -1)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentException.ThrowIfNullOrEmpty(vocabularyPath);
        ArgumentException.ThrowIfNullOrEmpty(path);
        spec.Validate();
        if (!SyntheticTensorPlan.IsSupportedWeightType(weightType))
        {
            throw new ArgumentException($"Synthetic models are written in F16, Q8_0, Q4_0 or Q4_K (the Q4_K_M mix), not {weightType}.", nameof(weightType));
        }

        var writer = new GgufWriter();
        var vocabularySize = AddMetadata(writer, spec, vocabularyPath, weightType);
        var tensors = SyntheticTensorPlan.Create(spec, weightType, vocabularySize);
        long total = 0;
        foreach (var t in tensors)
        {
            total += t.ElementCount;
        }
        long written = 0;
        var options = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism };
        for (var index = 0; index < tensors.Count; index++)
        {
            var tensor = tensors[index];
            var tensorIndex = index;
            writer.AddTensor(tensor.Name, tensor.Type, tensor.Shape, stream =>
            {
                WriteTensor(stream, tensor, tensorIndex, seed, options, rows =>
                {
                    written += rows * tensor.RowLength;
                    progress?.Report((double)written / total);
                });
            });
        }
        writer.WriteTo(path);
    }

    private static int AddMetadata(GgufWriter writer, SyntheticModelSpec spec, string vocabularyPath, GgmlType weightType)
    {
        var arch = spec.Architecture;
        writer.AddString("general.architecture", arch)
            .AddString("general.name", spec.Name)
            .AddUInt32("general.file_type", SyntheticTensorPlan.FileType(weightType));
        if (weightType != GgmlType.F16)
        {
            writer.AddUInt32("general.quantization_version", 2);
        }
        writer.AddUInt32($"{arch}.context_length", (uint)spec.ContextLength)
            .AddUInt32($"{arch}.embedding_length", (uint)spec.EmbeddingLength)
            .AddUInt32($"{arch}.block_count", (uint)spec.BlockCount)
            .AddUInt32($"{arch}.feed_forward_length", (uint)spec.FeedForwardLength)
            .AddUInt32($"{arch}.attention.head_count", (uint)spec.HeadCount)
            .AddUInt32($"{arch}.attention.head_count_kv", (uint)spec.HeadCountKv)
            .AddFloat32($"{arch}.attention.layer_norm_rms_epsilon", spec.RmsNormEpsilon)
            .AddFloat32($"{arch}.rope.freq_base", spec.RopeFreqBase)
            .AddUInt32($"{arch}.rope.dimension_count", (uint)spec.HeadDimension);
        if (spec.HeadDimension * spec.HeadCount != spec.EmbeddingLength)
        {
            // llama.cpp derives the head size from embedding / heads unless these are present.
            writer.AddUInt32($"{arch}.attention.key_length", (uint)spec.HeadDimension)
                .AddUInt32($"{arch}.attention.value_length", (uint)spec.HeadDimension);
        }

        using var vocabulary = GgufFile.Open(vocabularyPath);
        var tokens = vocabulary.Metadata.Tokens
            ?? throw new ModelLoadException(vocabulary.SourcePath, "has no tokenizer.ggml.tokens array to copy the vocabulary from");
        writer.AddUInt32($"{arch}.vocab_size", (uint)tokens.Length);
        foreach (var key in vocabulary.Metadata.Keys)
        {
            if (key.StartsWith("tokenizer.", StringComparison.Ordinal) && vocabulary.Metadata.TryGetValue(key, out var value))
            {
                writer.Add(key, vocabulary.Metadata.GetValueType(key), value);
            }
        }
        return tokens.Length;
    }

    private static void WriteTensor(Stream stream, SyntheticTensor tensor, int tensorIndex, int seed, ParallelOptions options, Action<long> rowsDone)
    {
        if (tensor.Kind == SyntheticTensorKind.Constant)
        {
            stream.Write(MemoryMarshal.AsBytes(tensor.Values.AsSpan()));
            rowsDone(tensor.RowCount);
            return;
        }
        var rowLength = (int)tensor.RowLength;
        var rowBytes = (int)GgmlTypeInfo.RowBytes(tensor.Type, rowLength);
        var rowsPerChunk = (int)Math.Clamp(ChunkBytes / rowBytes, 1, tensor.RowCount);
        var chunk = new byte[rowsPerChunk * rowBytes];
        var (mean, stddev) = tensor.Kind == SyntheticTensorKind.Norm ? (1f, NormNoiseStddev) : (0f, WeightStddev);
        for (long first = 0; first < tensor.RowCount; first += rowsPerChunk)
        {
            var rows = (int)Math.Min(rowsPerChunk, tensor.RowCount - first);
            var chunkStart = first;
            Parallel.For(0, rows, options, () => new float[rowLength], (r, _, values) =>
            {
                new GaussianSource(seed, tensorIndex, chunkStart + r).Fill(values, mean, stddev);
                Quantizer.Quantize(tensor.Type, values, chunk.AsSpan(r * rowBytes, rowBytes));
                return values;
            }, _ => { });
            stream.Write(chunk, 0, rows * rowBytes);
            rowsDone(rows);
        }
    }
}
