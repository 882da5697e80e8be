using LlmEngine.Embeddings;

namespace LlmEngine.Models;

/// <summary>How rotary embeddings pair the dimensions of a head.</summary>
public enum RopeStyle
{
    /// <summary>Adjacent pairs (2i, 2i+1): llama.cpp's "normal" rope, used by <c>llama</c> GGUFs (Q/K permuted on conversion).</summary>
    Normal,

    /// <summary>Rotate-half pairs (i, i + d/2): Hugging Face's layout, and qwen2/qwen3/phi3/gemma GGUFs ("neox").</summary>
    Neox,
}

/// <summary>Rope frequency scaling as Llama 3.1, YaRN-style or Phi-3 "longrope" models declare it.</summary>
/// <param name="Type">"llama3", "linear", "longrope", "yarn" or "none".</param>
/// <param name="Factor">Scaling factor.</param>
/// <param name="LowFrequencyFactor">Llama 3: low_freq_factor.</param>
/// <param name="HighFrequencyFactor">Llama 3: high_freq_factor.</param>
/// <param name="OriginalContextLength">Context length the model was pre-trained with.</param>
/// <param name="ShortFactors">longrope: per-dimension divisors used up to the original context.</param>
/// <param name="LongFactors">longrope: per-dimension divisors used beyond it.</param>
public sealed record RopeScaling(
    string Type,
    double Factor = 1.0,
    double LowFrequencyFactor = 1.0,
    double HighFrequencyFactor = 4.0,
    int OriginalContextLength = 0,
    float[]? ShortFactors = null,
    float[]? LongFactors = null);

/// <summary>
/// The hyperparameters of a transformer, whatever file format they came from: a decoder-only model, or a BERT encoder
/// (<see cref="IsEncoderOnly"/>).
/// </summary>
public sealed record ModelConfig
{
    /// <summary>Architecture name in GGUF's naming: llama, mistral, qwen2, qwen3, phi3.</summary>
    public required string Architecture { get; init; }

    /// <summary>Vocabulary size (rows of the embedding).</summary>
    public required int VocabularySize { get; init; }

    /// <summary>Hidden size (embedding length).</summary>
    public required int HiddenSize { get; init; }

    /// <summary>Number of transformer blocks.</summary>
    public required int NumLayers { get; init; }

    /// <summary>Query heads.</summary>
    public required int NumHeads { get; init; }

    /// <summary>Key/value heads (GQA when fewer than <see cref="NumHeads"/>).</summary>
    public required int NumKvHeads { get; init; }

    /// <summary>Size of each attention head.</summary>
    public required int HeadDim { get; init; }

    /// <summary>Feed-forward (intermediate) size.</summary>
    public required int IntermediateSize { get; init; }

    /// <summary>Maximum context length the model supports.</summary>
    public required int ContextLength { get; init; }

    /// <summary>RMSNorm epsilon.</summary>
    public required float RmsNormEpsilon { get; init; }

    /// <summary>Rope base frequency (theta).</summary>
    public required float RopeTheta { get; init; }

    /// <summary>Number of head dimensions rotated (usually <see cref="HeadDim"/>).</summary>
    public required int RopeDimensions { get; init; }

    /// <summary>Rope pairing layout for this model as loaded.</summary>
    public required RopeStyle RopeStyle { get; init; }

    /// <summary>Rope scaling, if any.</summary>
    public RopeScaling? RopeScaling { get; init; }

    /// <summary>Whether the output head shares the token embedding.</summary>
    public bool TiedEmbeddings { get; init; }

    /// <summary>BOS token id from the model files.</summary>
    public int? BosTokenId { get; init; }

    /// <summary>EOS token id(s) from the model files.</summary>
    public IReadOnlyList<int> EosTokenIds { get; init; } = [];

    /// <summary>
    /// Whether the model is an encoder (bert): bidirectional attention, absolute position embeddings, post-LayerNorm
    /// blocks and no output head. It produces embeddings, not text; the rope settings do not apply to it.
    /// </summary>
    public bool IsEncoderOnly { get; init; }

    /// <summary>LayerNorm epsilon of an encoder model; 0 for decoders, whose norms are RMSNorms (<see cref="RmsNormEpsilon"/>).</summary>
    public float LayerNormEpsilon { get; init; }

    /// <summary>Token type (segment) embeddings of an encoder model (BERT's <c>type_vocab_size</c>); 0 when it has none.</summary>
    public int TokenTypeCount { get; init; }

    /// <summary>The embedding pooling the model's files declare (GGUF <c>{arch}.pooling_type</c>), or null when they declare none.</summary>
    public PoolingType? Pooling { get; init; }
}
