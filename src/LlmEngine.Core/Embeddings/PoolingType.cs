namespace LlmEngine.Embeddings;

/// <summary>
/// How a sequence's final hidden states become one embedding (vLLM's <c>--pooler-config pooling_type</c>, llama.cpp's
/// <c>{arch}.pooling_type</c>).
/// </summary>
public enum PoolingType
{
    /// <summary>The last token's hidden state: decoder embedding models (e5-mistral, gte-Qwen) whose last token sees the whole input.</summary>
    Last,

    /// <summary>The average of every token's hidden state (e5, MiniLM / sentence-transformers' default).</summary>
    Mean,

    /// <summary>The first token's hidden state, BERT's <c>[CLS]</c> (bge).</summary>
    Cls,
}
