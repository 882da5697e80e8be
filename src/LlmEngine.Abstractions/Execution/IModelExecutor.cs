namespace LlmEngine.Execution;

/// <summary>
/// The seam between the engine and a device: runs one batched forward pass over the scheduled tokens, reading and
/// writing K/V through block tables in the executor's own paged KV-cache memory, and returns logits.
/// The engine loop thread is the only caller.
/// </summary>
public interface IModelExecutor : IDisposable
{
    /// <summary>Size of the vocabulary, the width of each logits row.</summary>
    int VocabularySize { get; }

    /// <summary>Tokens per KV-cache block.</summary>
    int BlockSize { get; }

    /// <summary>Number of KV-cache blocks the executor allocated.</summary>
    int NumBlocks { get; }

    /// <summary>
    /// Runs the forward pass for <paramref name="batch"/> and writes <c>batch.NumLogits</c> rows of
    /// <see cref="VocabularySize"/> floats into <paramref name="logits"/>, row <c>i</c> for token <c>batch.LogitsIndices[i]</c>.
    /// </summary>
    void Execute(ForwardBatch batch, Span<float> logits);
}
