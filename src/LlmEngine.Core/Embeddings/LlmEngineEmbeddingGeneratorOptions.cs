namespace LlmEngine.Embeddings;

/// <summary>Settings of an <see cref="LlmEngineEmbeddingGenerator"/>.</summary>
public sealed class LlmEngineEmbeddingGeneratorOptions
{
    /// <summary>The model id reported in embeddings and metadata; defaults to the loaded model's id.</summary>
    public string? ModelId { get; set; }

    /// <summary>
    /// How token hidden states become one vector. Null uses what the model's files declare (GGUF
    /// <c>{arch}.pooling_type</c>, sentence-transformers' <c>1_Pooling</c>), else <see cref="PoolingType.Cls"/> for a
    /// BERT encoder and <see cref="PoolingType.Last"/> for a decoder.
    /// </summary>
    public PoolingType? Pooling { get; set; }

    /// <summary>Whether vectors are scaled to unit L2 norm (after any <c>Dimensions</c> truncation). Default true.</summary>
    public bool Normalize { get; set; } = true;
}
