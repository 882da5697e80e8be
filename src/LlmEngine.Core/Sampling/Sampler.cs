using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using LlmEngine.Scheduling;

namespace LlmEngine.Sampling;

/// <summary>
/// Turns one logits row per request into the next token, in vLLM's order: logit bias, allowed tokens, bad words,
/// min tokens, repetition/frequency/presence penalties, temperature (0 = greedy), min-p, top-k, top-p, then one draw
/// from the request's own generator. Every step reads only the request's row and state, so a seeded request samples
/// the same tokens whatever else is in the batch. Log-probabilities are those of the raw logits, as vLLM returns them.
/// Scratch buffers are allocated once; a call allocates nothing.
/// </summary>
internal sealed class Sampler
{
    private const int WalkChunk = 1024;

    private readonly int _vocabularySize;
    private readonly float[] _raw;
    private readonly float[] _scratch;
    private readonly float[] _weights;
    private readonly int[] _candidates;
    private readonly int[] _seenStamp;
    private readonly int[] _counts;
    private int _epoch;

    public Sampler(int vocabularySize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(vocabularySize, 1);
        _vocabularySize = vocabularySize;
        _raw = new float[vocabularySize];
        _scratch = new float[vocabularySize];
        _weights = new float[vocabularySize];
        _candidates = new int[vocabularySize];
        _seenStamp = new int[vocabularySize];
        _counts = new int[vocabularySize];
    }

    public int VocabularySize => _vocabularySize;

    /// <summary>
    /// Samples the next token of <paramref name="request"/> from <paramref name="logits"/> (modified in place).
    /// When the request asks for log-probabilities they are written to <paramref name="logprobs"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The logits contain NaN or nothing can be sampled.</exception>
    public int Sample(Request request, Span<float> logits, LogprobsBuffer? logprobs = null)
    {
        var state = request.SamplingState ?? throw new InvalidOperationException($"{request} has no sampling state.");
        var parameters = state.Parameters;
        logits = logits[.._vocabularySize];
        var wantLogprobs = parameters.Logprobs is not null && logprobs is not null;
        if (wantLogprobs)
        {
            logits.CopyTo(_raw);
        }

        if (state.Constraint is { } constraint)
        {
            // vLLM applies the structured-output bitmask before every other logits processor.
            constraint.ComputeMask(state.ConstraintMask!);
            state.ConstraintMask!.Apply(logits);
        }
        LogitsProcessors.ApplyLogitBias(logits, state);
        LogitsProcessors.ApplyAllowedTokenIds(logits, state);
        var outputTokenIds = request.OutputTokenIds;
        LogitsProcessors.ApplyBadWords(logits, state, outputTokenIds);
        LogitsProcessors.ApplyMinTokens(logits, state, outputTokenIds.Length);
        if (parameters.RepetitionPenalty != 1f || parameters.FrequencyPenalty != 0f || parameters.PresencePenalty != 0f)
        {
            var epoch = NextEpoch();
            LogitsProcessors.ApplyPenalties(logits, state, request.PromptTokenIds, outputTokenIds, _seenStamp, epoch, _counts, NextEpoch());
        }

        var max = TensorPrimitives.Max(logits);
        if (float.IsNaN(max))
        {
            throw new InvalidOperationException($"The logits of request '{request.RequestId}' contain NaN.");
        }
        if (float.IsNegativeInfinity(max))
        {
            throw new InvalidOperationException($"Every token of request '{request.RequestId}' is masked; nothing can be sampled.");
        }

        var token = state.IsGreedy
            ? TensorPrimitives.IndexOfMax(logits)
            : SampleRandom(logits, parameters, state.Generator);
        if (wantLogprobs)
        {
            ComputeLogprobs(_raw, token, parameters.Logprobs!.Value, logprobs!);
        }
        return token;
    }

    /// <summary>
    /// Log-probabilities of <paramref name="rawLogits"/>: the given token's with its rank (1 + the number of more likely
    /// tokens) and the <paramref name="numTop"/> most likely tokens.
    /// </summary>
    public void ComputeLogprobs(ReadOnlySpan<float> rawLogits, int tokenId, int numTop, LogprobsBuffer into)
    {
        rawLogits = rawLogits[.._vocabularySize];
        var max = TensorPrimitives.Max(rawLogits);
        var exp = _scratch.AsSpan(0, _vocabularySize);
        TensorPrimitives.Subtract(rawLogits, max, exp);
        TensorPrimitives.Exp(exp, exp);
        var logSumExp = max + MathF.Log(TensorPrimitives.Sum(exp));

        var chosen = rawLogits[tokenId];
        var rank = 1;
        foreach (var value in rawLogits)
        {
            if (value > chosen)
            {
                rank++;
            }
        }
        into.ChosenTokenId = tokenId;
        into.ChosenLogprob = chosen - logSumExp;
        into.ChosenRank = rank;

        numTop = Math.Min(numTop, _vocabularySize);
        var ids = into.TopTokenIds;
        var values = into.TopLogprobs;
        var count = 0;
        for (var i = 0; i < rawLogits.Length && numTop > 0; i++)
        {
            var v = rawLogits[i];
            if (count == numTop && v <= values[count - 1])
            {
                continue;
            }
            var j = count < numTop ? count++ : count - 1;
            while (j > 0 && values[j - 1] < v)
            {
                values[j] = values[j - 1];
                ids[j] = ids[j - 1];
                j--;
            }
            values[j] = v;
            ids[j] = i;
        }
        for (var i = 0; i < count; i++)
        {
            values[i] -= logSumExp;
        }
        into.NumTop = count;
    }

    private int SampleRandom(Span<float> logits, SamplingParameters parameters, SamplingGenerator generator)
    {
        if (parameters.Temperature != 1f)
        {
            TensorPrimitives.Multiply(logits, 1f / parameters.Temperature, logits);
        }
        var max = TensorPrimitives.Max(logits);

        // min-p and top-k both keep the tokens whose logit reaches a threshold: min-p's is max + ln(min_p)
        // (probability ratio to the most likely token), top-k's is the k-th largest logit.
        var threshold = float.NegativeInfinity;
        if (parameters.MinP > 0f)
        {
            threshold = max + MathF.Log(parameters.MinP);
        }
        if (parameters.TopK > 0 && parameters.TopK < _vocabularySize)
        {
            threshold = MathF.Max(threshold, KthLargestLogit(logits, parameters.TopK, max));
        }

        var weights = _weights.AsSpan(0, _vocabularySize);
        TensorPrimitives.Subtract(logits, max, weights);
        TensorPrimitives.Exp(weights, weights);
        if (float.IsNegativeInfinity(threshold) && parameters.TopP >= 1f)
        {
            return SampleFromWeights(weights, generator);
        }

        // Candidates: tokens that survive min-p/top-k and, for top-p, could be in the nucleus. A token whose
        // probability is below (1 - p) / |candidates| is never in it: all such tokens together hold less than 1 - p.
        var total = float.IsNegativeInfinity(threshold) ? TensorPrimitives.Sum(weights) : MaskedSum(logits, weights, threshold);
        var weightCutoff = parameters.TopP < 1f ? (1f - parameters.TopP) * total / _vocabularySize : 0f;
        var numCandidates = Gather(logits, weights, threshold, weightCutoff);
        var candidates = _candidates.AsSpan(0, numCandidates);
        var candidateWeights = _scratch.AsSpan(0, numCandidates);
        for (var i = 0; i < numCandidates; i++)
        {
            candidateWeights[i] = weights[candidates[i]];
        }
        if (parameters.TopP >= 1f)
        {
            return candidates[SampleFromWeights(candidateWeights, generator)];
        }

        var kept = SelectNucleus(candidates, candidateWeights, parameters.TopP * total, weightCutoff);
        return candidates[SampleFromWeights(candidateWeights[..kept], generator)];
    }

    /// <summary>
    /// Moves the top-p nucleus (the most likely candidates until their mass reaches <paramref name="target"/>) to the
    /// front of the candidate arrays and returns its size. Bisecting on the weight narrows the boundary band to a few
    /// tokens before anything is sorted, so a flat distribution over a large vocabulary costs a few SIMD passes, not a
    /// full sort; the band is then sorted, so the result is exact.
    /// </summary>
    private static int SelectNucleus(Span<int> candidates, Span<float> weights, float target, float lowWeight)
    {
        const int MaxBandToSort = 1024;
        var n = candidates.Length;
        var lo = lowWeight;
        var hi = float.PositiveInfinity;
        var countLo = n;
        var countHi = 0;
        var massHi = 0f;
        var top = TensorPrimitives.Max(weights);
        while (countLo - countHi > MaxBandToSort)
        {
            var mid = float.IsPositiveInfinity(hi) ? 0.5f * (lo + top) : 0.5f * (lo + hi);
            if (mid <= lo || mid >= hi)
            {
                break;
            }
            var mass = MassAtLeast(weights[..n], mid, out var count);
            if (mass >= target)
            {
                lo = mid;
                countLo = count;
                n = Compact(candidates, weights, n, lo);
            }
            else
            {
                hi = mid;
                countHi = count;
                massHi = mass;
            }
        }

        // Above hi: all in the nucleus. Between lo and hi: the band, sorted, taken until the mass reaches the target.
        var above = 0;
        for (var i = 0; i < n; i++)
        {
            if (weights[i] >= hi)
            {
                (weights[above], weights[i]) = (weights[i], weights[above]);
                (candidates[above], candidates[i]) = (candidates[i], candidates[above]);
                above++;
            }
        }
        var band = weights[above..n];
        var bandIds = candidates[above..n];
        TensorPrimitives.Negate(band, band);
        band.Sort(bandIds);
        TensorPrimitives.Negate(band, band);
        var kept = above;
        var mass2 = massHi;
        while (kept < n)
        {
            mass2 += weights[kept++];
            if (mass2 >= target)
            {
                break;
            }
        }
        return kept;
    }

    private static float MassAtLeast(ReadOnlySpan<float> weights, float threshold, out int count)
    {
        var i = 0;
        var sum = 0f;
        count = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var t = Vector256.Create(threshold);
            var acc = Vector256<float>.Zero;
            for (; i + Vector256<float>.Count <= weights.Length; i += Vector256<float>.Count)
            {
                var w = Vector256.Create(weights.Slice(i, Vector256<float>.Count));
                var keep = Vector256.GreaterThanOrEqual(w, t);
                acc += w & keep;
                count += BitOperations.PopCount(keep.ExtractMostSignificantBits());
            }
            sum = Vector256.Sum(acc);
        }
        for (; i < weights.Length; i++)
        {
            if (weights[i] >= threshold)
            {
                sum += weights[i];
                count++;
            }
        }
        return sum;
    }

    private static int Compact(Span<int> candidates, Span<float> weights, int n, float threshold)
    {
        var kept = 0;
        for (var i = 0; i < n; i++)
        {
            if (weights[i] >= threshold)
            {
                weights[kept] = weights[i];
                candidates[kept++] = candidates[i];
            }
        }
        return kept;
    }

    /// <summary>
    /// The k-th largest logit. The top k of a real distribution sit within a few units of the maximum, so the logits
    /// in a window below it are gathered (one SIMD pass) and only those are quick-selected; the window widens until
    /// it holds k of them.
    /// </summary>
    private float KthLargestLogit(ReadOnlySpan<float> logits, int k, float max)
    {
        for (var width = 4f; ; width *= 4f)
        {
            var floor = width > 1e6f ? float.NegativeInfinity : max - width;
            var values = _scratch.AsSpan(0, _vocabularySize);
            var count = GatherAtLeast(logits, floor, values);
            if (count >= k)
            {
                return Selection.KthLargest(values[..count], k);
            }
        }
    }

    private static int GatherAtLeast(ReadOnlySpan<float> values, float floor, Span<float> destination)
    {
        var count = 0;
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var f = Vector256.Create(floor);
            for (; i + Vector256<float>.Count <= values.Length; i += Vector256<float>.Count)
            {
                var v = Vector256.Create(values.Slice(i, Vector256<float>.Count));
                var mask = Vector256.GreaterThanOrEqual(v, f).ExtractMostSignificantBits();
                while (mask != 0)
                {
                    destination[count++] = values[i + BitOperations.TrailingZeroCount(mask)];
                    mask &= mask - 1;
                }
            }
        }
        for (; i < values.Length; i++)
        {
            if (values[i] >= floor)
            {
                destination[count++] = values[i];
            }
        }
        return count;
    }

    /// <summary>Inverse-CDF draw from unnormalised weights, summing chunks with SIMD before walking one chunk.</summary>
    private static int SampleFromWeights(ReadOnlySpan<float> weights, SamplingGenerator generator)
    {
        var total = TensorPrimitives.Sum(weights);
        var u = (float)(generator.NextDouble() * total);
        var start = 0;
        while (start + WalkChunk < weights.Length)
        {
            var chunk = TensorPrimitives.Sum(weights.Slice(start, WalkChunk));
            if (u < chunk)
            {
                break;
            }
            u -= chunk;
            start += WalkChunk;
        }
        var lastPositive = -1;
        for (var i = start; i < weights.Length; i++)
        {
            var w = weights[i];
            if (w <= 0f)
            {
                continue;
            }
            if (u < w)
            {
                return i;
            }
            u -= w;
            lastPositive = i;
        }
        if (lastPositive < 0)
        {
            // Rounding left u past the last chunk's mass: take the last token with any weight.
            for (var i = weights.Length - 1; i >= 0; i--)
            {
                if (weights[i] > 0f)
                {
                    return i;
                }
            }
            throw new InvalidOperationException("Nothing to sample: every weight is zero.");
        }
        return lastPositive;
    }

    private static float MaskedSum(ReadOnlySpan<float> logits, ReadOnlySpan<float> weights, float threshold)
    {
        var sum = 0f;
        for (var i = 0; i < logits.Length; i++)
        {
            if (logits[i] >= threshold)
            {
                sum += weights[i];
            }
        }
        return sum;
    }

    /// <summary>Collects the ids with <c>logit &gt;= threshold</c> and <c>weight &gt;= weightCutoff</c>, skipping empty SIMD blocks.</summary>
    private int Gather(ReadOnlySpan<float> logits, ReadOnlySpan<float> weights, float threshold, float weightCutoff)
    {
        var count = 0;
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var t = Vector256.Create(threshold);
            var c = Vector256.Create(weightCutoff);
            for (; i + Vector256<float>.Count <= logits.Length; i += Vector256<float>.Count)
            {
                var keep = Vector256.GreaterThanOrEqual(Vector256.Create(logits.Slice(i, Vector256<float>.Count)), t)
                    & Vector256.GreaterThanOrEqual(Vector256.Create(weights.Slice(i, Vector256<float>.Count)), c);
                var mask = keep.ExtractMostSignificantBits();
                while (mask != 0)
                {
                    _candidates[count++] = i + BitOperations.TrailingZeroCount(mask);
                    mask &= mask - 1;
                }
            }
        }
        for (; i < logits.Length; i++)
        {
            if (logits[i] >= threshold && weights[i] >= weightCutoff)
            {
                _candidates[count++] = i;
            }
        }
        return count;
    }

    private int NextEpoch()
    {
        if (++_epoch == int.MaxValue)
        {
            Array.Clear(_seenStamp);
            _epoch = 1;
        }
        return _epoch;
    }
}
