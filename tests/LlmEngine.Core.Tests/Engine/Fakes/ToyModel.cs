namespace LlmEngine.Tests.Engine.Fakes;

/// <summary>
/// A deterministic "language model" for engine tests: the logits after a context are a pseudo-random function of
/// every token in it (and its length), so any mistake in what the engine feeds the executor changes the output.
/// </summary>
internal static class ToyModel
{
    public static void NextTokenLogits(ReadOnlySpan<int> context, Span<float> logits)
    {
        var h = 0xCBF29CE484222325UL;
        foreach (var token in context)
        {
            h = (h ^ (uint)token) * 0x100000001B3UL;
        }
        h ^= (ulong)context.Length * 0x9E3779B97F4A7C15UL;
        for (var v = 0; v < logits.Length; v++)
        {
            var x = h + (ulong)v * 0xBF58476D1CE4E5B9UL;
            x = (x ^ (x >> 31)) * 0x94D049BB133111EBUL;
            x ^= x >> 29;
            logits[v] = (x >> 40) / (float)(1 << 24) * 8f;
        }
    }

    /// <summary>The greedy continuation of <paramref name="prompt"/>, computed without the engine.</summary>
    public static int[] Greedy(ReadOnlySpan<int> prompt, int vocabularySize, int numTokens, int? stopTokenId = null)
    {
        var context = new List<int>(prompt.ToArray());
        var output = new List<int>();
        var logits = new float[vocabularySize];
        for (var i = 0; i < numTokens; i++)
        {
            NextTokenLogits(context.ToArray(), logits);
            var best = 0;
            for (var v = 1; v < logits.Length; v++)
            {
                if (logits[v] > logits[best])
                {
                    best = v;
                }
            }
            output.Add(best);
            context.Add(best);
            if (best == stopTokenId)
            {
                break;
            }
        }
        return [.. output];
    }
}
