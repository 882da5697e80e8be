using System.Globalization;
using LlmEngine.Hosting.ChatCompletions;

namespace LlmEngine.Hosting.Sampling;

/// <summary>
/// vLLM's <c>prompt_logprobs</c>, shared by completions (per choice) and chat (per response): one entry per prompt
/// position, null for the first (nothing precedes it), else token id to <c>{logprob, rank, decoded_token}</c> for the
/// prompt's own token and the most likely ones.
/// </summary>
internal static class PromptLogprobsMapper
{
    public static List<Dictionary<string, PromptTokenLogprob>?> Map(IReadOnlyList<PositionLogprobs?> positions)
    {
        var result = new List<Dictionary<string, PromptTokenLogprob>?>(positions.Count);
        foreach (var position in positions)
        {
            if (position is null)
            {
                result.Add(null);
                continue;
            }
            var entries = new Dictionary<string, PromptTokenLogprob>(position.Top.Count + 1, StringComparer.Ordinal);
            Add(entries, position.Chosen);
            foreach (var candidate in position.Top)
            {
                Add(entries, candidate);
            }
            result.Add(entries);
        }
        return result;
    }

    private static void Add(Dictionary<string, PromptTokenLogprob> entries, TokenLogprob token) =>
        entries.TryAdd(token.TokenId.ToString(CultureInfo.InvariantCulture),
            new PromptTokenLogprob { Logprob = ChatLogprobsMapper.Finite(token.Logprob), Rank = token.Rank, DecodedToken = token.Token });
}

/// <summary>One entry of a <c>prompt_logprobs</c> position.</summary>
internal sealed class PromptTokenLogprob
{
    public required float Logprob { get; init; }

    public required int Rank { get; init; }

    public required string DecodedToken { get; init; }
}
