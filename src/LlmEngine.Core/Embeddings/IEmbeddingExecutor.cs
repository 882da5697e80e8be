using LlmEngine.Execution;

namespace LlmEngine.Embeddings;

/// <summary>
/// What <see cref="LlmEngineEmbeddingGenerator"/> runs: a forward pass over whole sequences (each from position 0)
/// that returns final hidden states instead of logits. The BERT encoder and a decoder's CPU executor implement it.
/// Not thread-safe: one pass at a time.
/// </summary>
internal interface IEmbeddingExecutor : IDisposable
{
    /// <summary>Width of a hidden state (the model's embedding size).</summary>
    int HiddenSize { get; }

    /// <summary>Vocabulary size (token ids must be below it).</summary>
    int VocabularySize { get; }

    /// <summary>Most tokens one pass may hold.</summary>
    int MaxBatchTokens { get; }

    /// <summary>Most sequences one pass may hold.</summary>
    int MaxSequences { get; }

    /// <summary>Longest sequence a pass accepts.</summary>
    int MaxSequenceLength { get; }

    /// <summary>
    /// Runs <paramref name="batch"/>, whose sequences are whole inputs (token <c>t</c> of a sequence at position <c>t</c>;
    /// the executor fills the KV-cache fields it needs), and writes <c>batch.NumLogits</c> rows of <see cref="HiddenSize"/>
    /// floats into <paramref name="hidden"/>: row <c>i</c> is the final hidden state of token <c>batch.LogitsIndices[i]</c>.
    /// </summary>
    void ExecuteHidden(ForwardBatch batch, Span<float> hidden);
}
