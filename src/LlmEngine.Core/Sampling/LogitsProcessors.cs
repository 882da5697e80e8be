namespace LlmEngine.Sampling;

/// <summary>
/// The logits-processing steps the sampler applies before temperature, each in place on one request's row and
/// touching only the tokens it concerns (vLLM's order and semantics).
/// </summary>
internal static class LogitsProcessors
{
    /// <summary>Adds each biased token's bias to its logit.</summary>
    public static void ApplyLogitBias(Span<float> logits, SamplingState state)
    {
        var ids = state.LogitBiasTokenIds;
        var values = state.LogitBiasValues;
        for (var i = 0; i < ids.Length; i++)
        {
            logits[ids[i]] += values[i];
        }
    }

    /// <summary>Masks every token outside the allowed set.</summary>
    public static void ApplyAllowedTokenIds(Span<float> logits, SamplingState state)
    {
        if (state.AllowedTokenIds is not { } allowed)
        {
            return;
        }
        var saved = state.AllowedScratch;
        for (var i = 0; i < allowed.Length; i++)
        {
            saved[i] = logits[allowed[i]];
        }
        logits.Fill(float.NegativeInfinity);
        for (var i = 0; i < allowed.Length; i++)
        {
            logits[allowed[i]] = saved[i];
        }
    }

    /// <summary>Bans the last token of every bad word whose other tokens end the output so far.</summary>
    public static void ApplyBadWords(Span<float> logits, SamplingState state, ReadOnlySpan<int> outputTokenIds)
    {
        foreach (var word in state.BadWordsTokenIds)
        {
            var prefixLength = word.Length - 1;
            if (prefixLength > outputTokenIds.Length)
            {
                continue;
            }
            if (outputTokenIds[^prefixLength..].SequenceEqual(word.AsSpan(0, prefixLength)))
            {
                logits[word[^1]] = float.NegativeInfinity;
            }
        }
    }

    /// <summary>Masks EOS and the stop token ids until <c>MinTokens</c> tokens are generated.</summary>
    public static void ApplyMinTokens(Span<float> logits, SamplingState state, int numOutputTokens)
    {
        if (numOutputTokens >= state.Parameters.MinTokens)
        {
            return;
        }
        foreach (var id in state.MinTokensStopTokenIds)
        {
            logits[id] = float.NegativeInfinity;
        }
    }

    /// <summary>
    /// The repetition penalty over prompt and output tokens (positive logits divided, negative multiplied), then the
    /// frequency and presence penalties over output tokens (subtracted). <paramref name="seenStamp"/> is a
    /// vocabulary-sized scratch array and <paramref name="epoch"/> and <paramref name="countEpoch"/> two distinct values
    /// not yet stored in it, so each token is penalised once without clearing anything; <paramref name="counts"/> is a
    /// vocabulary-sized scratch array for the output counts (valid where stamped with <paramref name="countEpoch"/>).
    /// </summary>
    public static void ApplyPenalties(Span<float> logits, SamplingState state, ReadOnlySpan<int> promptTokenIds, ReadOnlySpan<int> outputTokenIds,
        int[] seenStamp, int epoch, int[] counts, int countEpoch)
    {
        var parameters = state.Parameters;
        var repetition = parameters.RepetitionPenalty;
        if (repetition != 1f)
        {
            PenaliseRepetition(logits, promptTokenIds, repetition, seenStamp, epoch);
            PenaliseRepetition(logits, outputTokenIds, repetition, seenStamp, epoch);
        }
        var frequency = parameters.FrequencyPenalty;
        var presence = parameters.PresencePenalty;
        if (frequency == 0f && presence == 0f)
        {
            return;
        }
        // Counted from the output itself each step: no per-request table that grows as new tokens appear.
        foreach (var id in outputTokenIds)
        {
            if (seenStamp[id] != countEpoch)
            {
                seenStamp[id] = countEpoch;
                counts[id] = 0;
            }
            counts[id]++;
        }
        foreach (var id in outputTokenIds)
        {
            if (counts[id] > 0)
            {
                logits[id] -= frequency * counts[id] + presence;
                counts[id] = 0;
            }
        }
    }

    private static void PenaliseRepetition(Span<float> logits, ReadOnlySpan<int> tokenIds, float penalty, int[] seenStamp, int epoch)
    {
        foreach (var id in tokenIds)
        {
            if (seenStamp[id] == epoch)
            {
                continue;
            }
            seenStamp[id] = epoch;
            var logit = logits[id];
            logits[id] = logit > 0 ? logit / penalty : logit * penalty;
        }
    }
}
