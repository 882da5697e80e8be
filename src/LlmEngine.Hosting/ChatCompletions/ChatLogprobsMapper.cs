using LlmEngine.Tokenization;

namespace LlmEngine.Hosting.ChatCompletions;

/// <summary>Turns the engine's per-position log-probabilities into chat's <c>logprobs.content</c> entries.</summary>
internal static class ChatLogprobsMapper
{
    /// <summary>What JSON cannot carry (-inf for a banned token) is written as vLLM writes it.</summary>
    private const float Floor = -9999f;

    public static List<ChatTokenLogprob> Map(IReadOnlyList<PositionLogprobs> positions, ITokenizer tokenizer)
    {
        var result = new List<ChatTokenLogprob>(positions.Count);
        foreach (var position in positions)
        {
            var top = new List<ChatTopLogprob>(position.Top.Count);
            foreach (var candidate in position.Top)
            {
                top.Add(new ChatTopLogprob { Token = candidate.Token, Logprob = Finite(candidate.Logprob), Bytes = Bytes(tokenizer, candidate.TokenId) });
            }
            result.Add(new ChatTokenLogprob
            {
                Token = position.Chosen.Token,
                Logprob = Finite(position.Chosen.Logprob),
                Bytes = Bytes(tokenizer, position.Chosen.TokenId),
                TopLogprobs = top,
            });
        }
        return result;
    }

    public static float Finite(float logprob) => float.IsFinite(logprob) ? logprob : Floor;

    private static int[] Bytes(ITokenizer tokenizer, int tokenId)
    {
        var bytes = tokenizer.GetTokenBytes(tokenId);
        var result = new int[bytes.Length];
        for (var i = 0; i < bytes.Length; i++)
        {
            result[i] = bytes[i];
        }
        return result;
    }
}
