using LlmEngine.Execution;

namespace LlmEngine.Tests.Chat.Fakes;

/// <summary>
/// A model that ignores its input: every logits row is seeded noise, with a bias towards the tokens that close
/// things (<c>"</c>, <c>}</c>, <c>]</c> and the end tokens) so that constrained outputs stay short. Anything a
/// constraint allows can come out, which is what a constraint test wants.
/// </summary>
internal sealed class RandomLogitsExecutor(int vocabularySize, IReadOnlyList<int> closingTokens, int seed) : IModelExecutor
{
    private const float ClosingBias = 3f;

    private readonly Random _random = new(seed);

    public int VocabularySize => vocabularySize;

    public int BlockSize => 16;

    public int NumBlocks => 512;

    public void Execute(ForwardBatch batch, Span<float> logits)
    {
        var rows = logits[..(batch.NumLogits * vocabularySize)];
        for (var i = 0; i < rows.Length; i++)
        {
            rows[i] = (float)(_random.NextDouble() * 4);
        }
        for (var row = 0; row < batch.NumLogits; row++)
        {
            foreach (var token in closingTokens)
            {
                rows[row * vocabularySize + token] += ClosingBias;
            }
        }
    }

    public void Dispose()
    {
    }
}
