using LlmEngine.Sampling.Constraints;
namespace LlmEngine;

/// <summary>
/// How one request is sampled and when it stops: vLLM's <c>SamplingParams</c>. The sampler applies the logits steps in
/// vLLM's order: <see cref="LogitBias"/>, <see cref="AllowedTokenIds"/>, <see cref="BadWords"/>, <see cref="MinTokens"/>,
/// repetition/frequency/presence penalties, <see cref="Temperature"/>, <see cref="MinP"/>, <see cref="TopK"/>,
/// <see cref="TopP"/>, then draws with the request's own seeded generator.
/// </summary>
public sealed record SamplingParameters
{
    /// <summary>The largest number of top log-probabilities a request may ask for.</summary>
    public const int MaxLogprobs = 20;

    /// <summary>Number of independent completions to generate for the prompt (they share the prompt's KV blocks). At least 1.</summary>
    public int N { get; init; } = 1;

    /// <summary>Softmax temperature; 0 means greedy (arg-max). At least 0.</summary>
    public float Temperature { get; init; } = 1f;

    /// <summary>Nucleus sampling: keep the smallest set of most likely tokens whose probability reaches this. In (0, 1].</summary>
    public float TopP { get; init; } = 1f;

    /// <summary>Keep only the <c>TopK</c> most likely tokens; 0 or -1 disables it. At least -1.</summary>
    public int TopK { get; init; }

    /// <summary>Drop tokens whose probability is below <c>MinP</c> times the most likely token's. In [0, 1].</summary>
    public float MinP { get; init; }

    /// <summary>Penalises tokens by how often they already appear in the output (OpenAI semantics). In [-2, 2].</summary>
    public float FrequencyPenalty { get; init; }

    /// <summary>Penalises tokens that already appear in the output (OpenAI semantics). In [-2, 2].</summary>
    public float PresencePenalty { get; init; }

    /// <summary>Divides positive (multiplies negative) logits of tokens seen in the prompt or output; 1 disables it. Greater than 0.</summary>
    public float RepetitionPenalty { get; init; } = 1f;

    /// <summary>Seed of the request's own random generator: the same seed gives the same tokens whatever else is batched.</summary>
    public long? Seed { get; init; }

    /// <summary>Maximum number of tokens to generate; <see langword="null"/> means up to the model's context length.</summary>
    public int? MaxTokens { get; init; }

    /// <summary>Minimum number of tokens to generate before EOS or a stop token id may be sampled. At least 0.</summary>
    public int MinTokens { get; init; }

    /// <summary>Strings that end generation when they appear in the output text (matched across token boundaries).</summary>
    public IReadOnlyList<string>? Stop { get; init; }

    /// <summary>Token ids that end generation when sampled (in addition to EOS). The stop token stays in the token ids.</summary>
    public IReadOnlyList<int>? StopTokenIds { get; init; }

    /// <summary>Whether a matched stop string is kept at the end of the output text.</summary>
    public bool IncludeStopStringInOutput { get; init; }

    /// <summary>Whether to keep generating after EOS (the stop token ids still apply).</summary>
    public bool IgnoreEos { get; init; }

    /// <summary>Added to the logits of the given token ids before anything else.</summary>
    public IReadOnlyDictionary<int, float>? LogitBias { get; init; }

    /// <summary>When set, only these token ids may be sampled.</summary>
    public IReadOnlyList<int>? AllowedTokenIds { get; init; }

    /// <summary>Words that must not be generated: the last token of each word is banned whenever the output ends with the rest of it.</summary>
    public IReadOnlyList<string>? BadWords { get; init; }

    /// <summary>Log-probabilities to return per generated token: the sampled token's plus this many top ones (0 to 20); <see langword="null"/> for none.</summary>
    public int? Logprobs { get; init; }

    /// <summary>Log-probabilities to return per prompt token (0 to 20); <see langword="null"/> for none. Such requests bypass the prefix cache.</summary>
    public int? PromptLogprobs { get; init; }

    /// <summary>Whether special tokens are left out of the output text.</summary>
    public bool SkipSpecialTokens { get; init; } = true;

    /// <summary>Whether each <see cref="RequestOutput"/> carries the new part of the output or all of it.</summary>
    public RequestOutputKind OutputKind { get; init; } = RequestOutputKind.Delta;

    /// <summary>
    /// Structured output (vLLM's <c>guided_json</c> / <c>guided_regex</c> / <c>guided_choice</c> / <c>guided_grammar</c>,
    /// OpenAI's <c>response_format</c>): at each step only tokens that keep the output inside the constraint may be
    /// sampled, and end-of-sequence only where it may end. Null (the default) leaves the output free.
    /// </summary>
    public ConstraintSpec? Constraint { get; init; }

    /// <summary>Greedy sampling: the same as <c>new SamplingParameters { Temperature = 0 }</c>.</summary>
    public static SamplingParameters Greedy { get; } = new() { Temperature = 0f };

    /// <summary>
    /// Checks every parameter that does not depend on the model, throwing an <see cref="ArgumentException"/> (or
    /// <see cref="ArgumentOutOfRangeException"/>) that names the parameter and its allowed range.
    /// </summary>
    public void Validate()
    {
        Require(N >= 1, nameof(N), N, "must be at least 1");
        Require(float.IsFinite(Temperature) && Temperature >= 0f, nameof(Temperature), Temperature, "must be at least 0 (0 is greedy)");
        Require(TopP > 0f && TopP <= 1f, nameof(TopP), TopP, "must be in (0, 1]");
        Require(TopK >= -1, nameof(TopK), TopK, "must be -1, 0 (disabled) or a positive count");
        Require(MinP >= 0f && MinP <= 1f, nameof(MinP), MinP, "must be in [0, 1]");
        Require(FrequencyPenalty >= -2f && FrequencyPenalty <= 2f, nameof(FrequencyPenalty), FrequencyPenalty, "must be in [-2, 2]");
        Require(PresencePenalty >= -2f && PresencePenalty <= 2f, nameof(PresencePenalty), PresencePenalty, "must be in [-2, 2]");
        Require(float.IsFinite(RepetitionPenalty) && RepetitionPenalty > 0f, nameof(RepetitionPenalty), RepetitionPenalty, "must be greater than 0 (1 disables it)");
        Require(MaxTokens is null || MaxTokens >= 1, nameof(MaxTokens), MaxTokens, "must be at least 1");
        Require(MinTokens >= 0, nameof(MinTokens), MinTokens, "must be at least 0");
        Require(MaxTokens is null || MinTokens <= MaxTokens, nameof(MinTokens), MinTokens, $"must not exceed MaxTokens ({MaxTokens})");
        Require(Logprobs is null || (Logprobs >= 0 && Logprobs <= MaxLogprobs), nameof(Logprobs), Logprobs, $"must be in [0, {MaxLogprobs}]");
        Require(PromptLogprobs is null || (PromptLogprobs >= 0 && PromptLogprobs <= MaxLogprobs), nameof(PromptLogprobs), PromptLogprobs, $"must be in [0, {MaxLogprobs}]");
        Require(Enum.IsDefined(OutputKind), nameof(OutputKind), OutputKind, "must be Delta, Cumulative or FinalOnly");
        if (Stop is not null)
        {
            foreach (var s in Stop)
            {
                Require(!string.IsNullOrEmpty(s), nameof(Stop), s, "must not contain null or empty strings");
            }
        }
        if (BadWords is not null)
        {
            foreach (var s in BadWords)
            {
                Require(!string.IsNullOrEmpty(s), nameof(BadWords), s, "must not contain null or empty strings");
            }
        }
        if (LogitBias is not null)
        {
            foreach (var (_, bias) in LogitBias)
            {
                Require(!float.IsNaN(bias), nameof(LogitBias), bias, "values must be numbers");
            }
        }
        Require(AllowedTokenIds is null || AllowedTokenIds.Count > 0, nameof(AllowedTokenIds), AllowedTokenIds?.Count, "must not be empty when set");
    }

    private static void Require(bool condition, string parameter, object? actual, string rule)
    {
        if (!condition)
        {
            throw new ArgumentOutOfRangeException(parameter, actual, $"SamplingParameters.{parameter} {rule}; got {actual ?? "null"}.");
        }
    }
}
