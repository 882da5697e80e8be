using LlmEngine.Tokenization;

namespace LlmEngine.Cli.Benchmarking;

/// <summary>
/// Benchmark prompts as vLLM's random dataset makes them: token ids drawn uniformly from the vocabulary with a fixed
/// seed, leaving out special and end-of-generation tokens so that every engine sees the same ordinary text.
/// </summary>
internal static class RandomPrompt
{
    /// <summary>Draws <paramref name="length"/> ids from <c>[0, vocabularySize)</c> (the tokenizer's size when null).</summary>
    /// <exception cref="ArgumentException">The vocabulary has no ordinary token to draw.</exception>
    public static int[] Create(ITokenizer tokenizer, int length, int seed, int? vocabularySize = null)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        var size = Math.Min(vocabularySize ?? tokenizer.VocabularySize, tokenizer.VocabularySize);
        var excluded = new HashSet<int>(tokenizer.EndOfGenerationTokenIds);
        if (tokenizer.BosTokenId is { } bos)
        {
            excluded.Add(bos);
        }
        if (tokenizer.EosTokenId is { } eos)
        {
            excluded.Add(eos);
        }
        var candidates = new List<int>(size);
        for (var id = 0; id < size; id++)
        {
            if (!excluded.Contains(id) && !tokenizer.IsSpecialToken(id))
            {
                candidates.Add(id);
            }
        }
        if (candidates.Count == 0)
        {
            throw new ArgumentException($"the vocabulary ({size} tokens) has no ordinary token to build a prompt from", nameof(tokenizer));
        }
        var random = new Random(seed);
        var ids = new int[length];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = candidates[random.Next(candidates.Count)];
        }
        return ids;
    }
}
