namespace LlmEngine.Models.Synthesis;

/// <summary>
/// The shape of a real model, for writing a GGUF with random weights (<see cref="SyntheticModelWriter"/>): benchmarks
/// and tests get real tensor sizes without downloading weights. The catalog holds the shapes the project's peer
/// benchmarks used; <c>with</c> expressions make scaled-down variants for tests.
/// </summary>
public sealed record SyntheticModelSpec
{
    /// <summary>SmolLM2-135M (llama architecture, tied embeddings), with the gpt-2 vocabulary (50,257 tokens).</summary>
    public static SyntheticModelSpec SmolLM2_135M { get; } = new()
    {
        Name = "SmolLM2-135M",
        Architecture = "llama",
        EmbeddingLength = 576,
        BlockCount = 30,
        HeadCount = 9,
        HeadCountKv = 3,
        HeadDimension = 64,
        FeedForwardLength = 1536,
        ContextLength = 8192,
        RopeFreqBase = 100000f,
        RmsNormEpsilon = 1e-5f,
        TiedEmbeddings = true,
        VocabularyFile = "ggml-vocab-gpt-2.gguf",
    };

    /// <summary>Qwen2.5-0.5B (qwen2 architecture: Q/K/V biases, tied embeddings), with the deepseek-llm vocabulary (102,400 tokens).</summary>
    public static SyntheticModelSpec Qwen2_5_0_5B { get; } = new()
    {
        Name = "Qwen2.5-0.5B",
        Architecture = "qwen2",
        EmbeddingLength = 896,
        BlockCount = 24,
        HeadCount = 14,
        HeadCountKv = 2,
        HeadDimension = 64,
        FeedForwardLength = 4864,
        ContextLength = 32768,
        RopeFreqBase = 1000000f,
        RmsNormEpsilon = 1e-6f,
        TiedEmbeddings = true,
        AttentionBias = true,
        VocabularyFile = "ggml-vocab-deepseek-llm.gguf",
    };

    /// <summary>Llama-3.2-1B (llama architecture, tied embeddings, llama3 rope scaling), with the deepseek-llm vocabulary.</summary>
    public static SyntheticModelSpec Llama3_2_1B { get; } = new()
    {
        Name = "Llama-3.2-1B",
        Architecture = "llama",
        EmbeddingLength = 2048,
        BlockCount = 16,
        HeadCount = 32,
        HeadCountKv = 8,
        HeadDimension = 64,
        FeedForwardLength = 8192,
        ContextLength = 131072,
        RopeFreqBase = 500000f,
        RmsNormEpsilon = 1e-5f,
        TiedEmbeddings = true,
        RopeScaling = new Llama3RopeScaling(32f, 1f, 4f, 8192),
        VocabularyFile = "ggml-vocab-deepseek-llm.gguf",
    };

    /// <summary>Every catalogued shape.</summary>
    public static IReadOnlyList<SyntheticModelSpec> Catalog { get; } = [SmolLM2_135M, Qwen2_5_0_5B, Llama3_2_1B];

    /// <summary>The model name written as <c>general.name</c>.</summary>
    public required string Name { get; init; }

    /// <summary>The llama.cpp architecture (<c>llama</c> or <c>qwen2</c>), the prefix of the hyperparameter keys.</summary>
    public required string Architecture { get; init; }

    /// <summary>Hidden size.</summary>
    public required int EmbeddingLength { get; init; }

    /// <summary>Number of transformer blocks.</summary>
    public required int BlockCount { get; init; }

    /// <summary>Query heads.</summary>
    public required int HeadCount { get; init; }

    /// <summary>Key/value heads (grouped-query attention when fewer than <see cref="HeadCount"/>).</summary>
    public required int HeadCountKv { get; init; }

    /// <summary>Size of one attention head.</summary>
    public required int HeadDimension { get; init; }

    /// <summary>Intermediate size of the gated feed-forward network.</summary>
    public required int FeedForwardLength { get; init; }

    /// <summary>Maximum context length.</summary>
    public required int ContextLength { get; init; }

    /// <summary>Rope base frequency (theta).</summary>
    public required float RopeFreqBase { get; init; }

    /// <summary>RMS norm epsilon.</summary>
    public required float RmsNormEpsilon { get; init; }

    /// <summary>Whether the output projection reuses <c>token_embd.weight</c> (no <c>output.weight</c>).</summary>
    public bool TiedEmbeddings { get; init; }

    /// <summary>Whether the Q, K and V projections have biases (qwen2).</summary>
    public bool AttentionBias { get; init; }

    /// <summary>Llama 3 rope scaling, written as <c>rope_freqs.weight</c>; null for none.</summary>
    public Llama3RopeScaling? RopeScaling { get; init; }

    /// <summary>File name, in the shared <c>vocab/</c> folder, of the vocabulary GGUF the tokenizer is copied from.</summary>
    public required string VocabularyFile { get; init; }

    /// <summary>Checks the shape is consistent; throws <see cref="ArgumentException"/> naming the problem.</summary>
    public void Validate()
    {
        if (EmbeddingLength <= 0 || BlockCount <= 0 || HeadCount <= 0 || HeadCountKv <= 0 || HeadDimension <= 0
            || FeedForwardLength <= 0 || ContextLength <= 0)
        {
            throw new ArgumentException($"Model spec '{Name}' has a non-positive dimension.");
        }
        if (HeadCount % HeadCountKv != 0)
        {
            throw new ArgumentException($"Model spec '{Name}': {HeadCount} heads are not a multiple of {HeadCountKv} KV heads.");
        }
        if (HeadDimension % 2 != 0)
        {
            throw new ArgumentException($"Model spec '{Name}': head dimension {HeadDimension} is odd; rope needs pairs.");
        }
        if (EmbeddingLength % 32 != 0 || FeedForwardLength % 32 != 0 || HeadCount * HeadDimension % 32 != 0)
        {
            throw new ArgumentException($"Model spec '{Name}': matrix rows must be multiples of 32 elements to be quantized.");
        }
    }
}
