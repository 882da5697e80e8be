using LlmEngine.Sampling.Constraints;

namespace LlmEngine.Sampling;

/// <summary>
/// Everything the sampler needs for one request, resolved once when the request is added: its generator, the
/// logit-bias and allowed-token tables, bad words as token ids and the stop tokens that <c>MinTokens</c> suppresses.
/// </summary>
internal sealed class SamplingState
{
    private const float GreedyTemperature = 1e-5f;

    public SamplingState(SamplingParameters parameters, long seed, IReadOnlyList<int> endOfGenerationTokenIds, IReadOnlyList<int[]> badWordsTokenIds,
        ConstraintState? constraint = null)
    {
        Parameters = parameters;
        Constraint = constraint;
        ConstraintMask = constraint is null ? null : new TokenBitmask(constraint.Vocabulary.Size);
        Generator = new SamplingGenerator(seed);
        IsGreedy = parameters.Temperature < GreedyTemperature;
        if (parameters.LogitBias is { Count: > 0 } bias)
        {
            LogitBiasTokenIds = new int[bias.Count];
            LogitBiasValues = new float[bias.Count];
            var i = 0;
            foreach (var (id, value) in bias)
            {
                LogitBiasTokenIds[i] = id;
                LogitBiasValues[i++] = value;
            }
        }
        if (parameters.AllowedTokenIds is { Count: > 0 } allowed)
        {
            AllowedTokenIds = [.. allowed];
            AllowedScratch = new float[allowed.Count];
        }
        BadWordsTokenIds = [.. badWordsTokenIds];

        var stops = new List<int>();
        if (!parameters.IgnoreEos)
        {
            stops.AddRange(endOfGenerationTokenIds);
        }
        if (parameters.StopTokenIds is not null)
        {
            stops.AddRange(parameters.StopTokenIds);
        }
        MinTokensStopTokenIds = [.. stops];
    }

    public SamplingParameters Parameters { get; }

    /// <summary>The structured-output state, advanced by each accepted output token; it survives preemption.</summary>
    public ConstraintState? Constraint { get; }

    /// <summary>The allowed-token mask of the constraint's current state, rebuilt each step.</summary>
    public TokenBitmask? ConstraintMask { get; }

    public SamplingGenerator Generator { get; }

    /// <summary>Temperature is (close enough to) 0: take the arg-max.</summary>
    public bool IsGreedy { get; }

    public int[] LogitBiasTokenIds { get; } = [];

    public float[] LogitBiasValues { get; } = [];

    public int[]? AllowedTokenIds { get; }

    /// <summary>Holds the allowed tokens' logits while the rest of the row is masked.</summary>
    public float[] AllowedScratch { get; } = [];

    public int[][] BadWordsTokenIds { get; }

    /// <summary>EOS (unless ignored) and the stop token ids: masked until <c>MinTokens</c> tokens are generated.</summary>
    public int[] MinTokensStopTokenIds { get; }
}
