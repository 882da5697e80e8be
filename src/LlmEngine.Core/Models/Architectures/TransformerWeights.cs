using LlmEngine.Models.Quantization;

namespace LlmEngine.Models.Architectures;

/// <summary>
/// A model's weights bound to their roles and checked against its <see cref="ModelConfig"/>: projections stay in
/// mapped memory; norms, biases and rope factors are converted to float once.
/// </summary>
internal sealed class TransformerWeights
{
    private TransformerWeights(WeightMatrix embedding, LayerWeights[] layers, float[] outputNorm, WeightMatrix outputHead, float[]? ropeFrequencyDivisors)
    {
        Embedding = embedding;
        Layers = layers;
        OutputNorm = outputNorm;
        OutputHead = outputHead;
        RopeFrequencyDivisors = ropeFrequencyDivisors;
    }

    /// <summary>Token embedding: one row of <c>hidden</c> per token.</summary>
    public WeightMatrix Embedding { get; }

    /// <summary>The transformer blocks.</summary>
    public IReadOnlyList<LayerWeights> Layers { get; }

    /// <summary>Final RMSNorm weight.</summary>
    public float[] OutputNorm { get; }

    /// <summary>Output head (the embedding itself when tied).</summary>
    public WeightMatrix OutputHead { get; }

    /// <summary>Per-pair rope frequency divisors from <c>rope_freqs.weight</c> (Llama 3.1 GGUFs), or null.</summary>
    public float[]? RopeFrequencyDivisors { get; }

    /// <summary>
    /// Binds the tensors of <paramref name="source"/> for <paramref name="config"/>. Throws <see cref="ModelLoadException"/>
    /// naming the source, the tensor and what was expected when one is missing, misshapen or of an unsupported type.
    /// </summary>
    public static TransformerWeights Bind(ITensorSource source, ModelConfig config)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(config);
        var binder = new Binder(source);
        var layout = ArchitectureLayout.Find(config.Architecture)
            ?? throw new ModelLoadException(source.SourcePath, $"unsupported architecture '{config.Architecture}' (supported: {ArchitectureLayout.SupportedNames})");
        if (config.RopeScaling is { Type: not ("none" or "linear" or "llama3" or "longrope") } scaling)
        {
            throw new ModelLoadException(source.SourcePath, $"rope scaling '{scaling.Type}' is not supported (supported: linear, llama3, longrope)");
        }

        int hidden = config.HiddenSize, vocab = config.VocabularySize, ff = config.IntermediateSize;
        int qDim = config.NumHeads * config.HeadDim, kvDim = config.NumKvHeads * config.HeadDim;

        var embedding = binder.Matrix("token_embd.weight", hidden, vocab);
        var layers = new LayerWeights[config.NumLayers];
        for (var i = 0; i < layers.Length; i++)
        {
            var p = $"blk.{i}.";
            WeightMatrix q, k, v;
            if (source.TryGetTensor(p + "attn_qkv.weight", out _))
            {
                var qkv = binder.Tensor(p + "attn_qkv.weight", hidden, qDim + 2 * kvDim);
                (q, k, v) = (new(qkv, 0, qDim), new(qkv, qDim, kvDim), new(qkv, qDim + kvDim, kvDim));
            }
            else
            {
                (q, k, v) = (binder.Matrix(p + "attn_q.weight", hidden, qDim), binder.Matrix(p + "attn_k.weight", hidden, kvDim),
                    binder.Matrix(p + "attn_v.weight", hidden, kvDim));
            }
            WeightMatrix gate, up;
            if (source.TryGetTensor(p + "ffn_gate.weight", out _))
            {
                (gate, up) = (binder.Matrix(p + "ffn_gate.weight", hidden, ff), binder.Matrix(p + "ffn_up.weight", hidden, ff));
            }
            else
            {
                var fused = binder.Tensor(p + "ffn_up.weight", hidden, 2 * ff, "ffn_gate.weight is absent, so a fused gate+up");
                (gate, up) = (new(fused, 0, ff), new(fused, ff, ff));
            }
            layers[i] = new LayerWeights
            {
                AttentionNorm = binder.Vector(p + "attn_norm.weight", hidden),
                Query = q,
                Key = k,
                Value = v,
                QueryBias = binder.OptionalVector(p + "attn_q.bias", qDim),
                KeyBias = binder.OptionalVector(p + "attn_k.bias", kvDim),
                ValueBias = binder.OptionalVector(p + "attn_v.bias", kvDim),
                QueryNorm = layout.QkNorm ? binder.Vector(p + "attn_q_norm.weight", config.HeadDim) : null,
                KeyNorm = layout.QkNorm ? binder.Vector(p + "attn_k_norm.weight", config.HeadDim) : null,
                Output = binder.Matrix(p + "attn_output.weight", qDim, hidden),
                FeedForwardNorm = binder.Vector(p + "ffn_norm.weight", hidden),
                Gate = gate,
                Up = up,
                Down = binder.Matrix(p + "ffn_down.weight", ff, hidden),
            };
        }
        var outputNorm = binder.Vector("output_norm.weight", hidden);
        var head = config.TiedEmbeddings ? embedding : binder.Matrix("output.weight", hidden, vocab);
        var divisors = binder.OptionalVector("rope_freqs.weight", config.RopeDimensions / 2);
        return new TransformerWeights(embedding, layers, outputNorm, head, divisors);
    }

    /// <summary>Looks tensors up by name and checks their shape and type, naming the source and tensor on failure (shared with <see cref="BertWeights"/>).</summary>
    internal sealed class Binder(ITensorSource source)
    {
        public TensorView Tensor(string name, int columns, int rows, string? why = null)
        {
            if (!source.TryGetTensor(name, out var tensor))
            {
                throw new ModelLoadException(source.SourcePath, $"tensor '{name}' is missing; expected [{columns}, {rows}]" + (why is null ? "" : $" ({why})"));
            }
            if (tensor.Shape.Length != 2 || tensor.Shape[0] != columns || tensor.Shape[1] != rows)
            {
                throw new ModelLoadException(source.SourcePath, $"tensor '{name}' has shape {tensor.ShapeText}; expected [{columns}, {rows}]" + (why is null ? "" : $" ({why})"));
            }
            RequireSupported(tensor);
            return tensor;
        }

        public WeightMatrix Matrix(string name, int columns, int rows) => new(Tensor(name, columns, rows), 0, rows);

        public float[] Vector(string name, int length) => OptionalVector(name, length)
            ?? throw new ModelLoadException(source.SourcePath, $"tensor '{name}' is missing; expected [{length}]");

        public float[]? OptionalVector(string name, int length)
        {
            if (!source.TryGetTensor(name, out var tensor))
            {
                return null;
            }
            if (tensor.ElementCount != length || tensor.RowLength != length)
            {
                throw new ModelLoadException(source.SourcePath, $"tensor '{name}' has shape {tensor.ShapeText}; expected [{length}]");
            }
            RequireSupported(tensor);
            var values = new float[length];
            Dequantizer.Dequantize(tensor.Type, tensor.Bytes, values);
            return values;
        }

        private void RequireSupported(TensorView tensor)
        {
            if (!Dequantizer.IsSupported(tensor.Type))
            {
                throw new ModelLoadException(source.SourcePath, $"tensor '{tensor.Name}' has type {tensor.Type}, which cannot be dequantized yet");
            }
        }
    }
}
