using System.Globalization;
using System.Text.Json;
using LlmEngine.Hosting.Errors;

namespace LlmEngine.Hosting.Sampling;

/// <summary>
/// Maps the shared sampling fields of a request onto the engine's <see cref="SamplingParameters"/> and validates them
/// with the engine's own rules, so a 400 names the wire field (<c>top_p</c>, not <c>TopP</c>) with the engine's range.
/// </summary>
internal static class SamplingParametersMapper
{
    /// <summary>The most completions one request may ask for (vLLM has no limit; this keeps one request from filling the batch).</summary>
    public const int MaxN = 128;

    private static readonly Dictionary<string, string> s_wireNames = new(StringComparer.Ordinal)
    {
        [nameof(SamplingParameters.N)] = "n",
        [nameof(SamplingParameters.Temperature)] = "temperature",
        [nameof(SamplingParameters.TopP)] = "top_p",
        [nameof(SamplingParameters.TopK)] = "top_k",
        [nameof(SamplingParameters.MinP)] = "min_p",
        [nameof(SamplingParameters.FrequencyPenalty)] = "frequency_penalty",
        [nameof(SamplingParameters.PresencePenalty)] = "presence_penalty",
        [nameof(SamplingParameters.RepetitionPenalty)] = "repetition_penalty",
        [nameof(SamplingParameters.MaxTokens)] = "max_tokens",
        [nameof(SamplingParameters.MinTokens)] = "min_tokens",
        [nameof(SamplingParameters.Stop)] = "stop",
        [nameof(SamplingParameters.StopTokenIds)] = "stop_token_ids",
        [nameof(SamplingParameters.LogitBias)] = "logit_bias",
        [nameof(SamplingParameters.AllowedTokenIds)] = "allowed_token_ids",
        [nameof(SamplingParameters.BadWords)] = "bad_words",
        [nameof(SamplingParameters.Logprobs)] = "logprobs",
        [nameof(SamplingParameters.PromptLogprobs)] = "prompt_logprobs",
        ["promptTokenIds"] = "prompt",
    };

    /// <summary>Builds and validates the parameters.</summary>
    /// <param name="request">The wire request.</param>
    /// <param name="defaults">The server's defaults for the fields the request leaves out.</param>
    /// <param name="maxTokens">The resolved <c>max_tokens</c> (chat has two spellings; completions defaults to 16).</param>
    /// <param name="maxTokensField">The wire name <paramref name="maxTokens"/> came from, for errors.</param>
    /// <param name="logprobs">Top log-probabilities per token, or null for none.</param>
    /// <exception cref="OpenAiException">A field is out of range or unsupported.</exception>
    public static SamplingParameters Map(SamplingRequest request, SamplingParameters defaults, int? maxTokens, string maxTokensField, int? logprobs)
    {
        var n = request.N ?? 1;
        if (n is < 1 or > MaxN)
        {
            throw OpenAiException.BadRequest($"'n' must be in [1, {MaxN}]; got {n}.", "n");
        }
        if (request.UseBeamSearch == true)
        {
            throw OpenAiException.Unsupported("use_beam_search", "Beam search is not supported; sample with n > 1 instead.");
        }
        if (request.BestOf is { } bestOf && bestOf != n)
        {
            throw OpenAiException.Unsupported("best_of", $"best_of ({bestOf}) different from n ({n}) is not supported; request n completions and rank them yourself.");
        }
        // Fields the request leaves out keep the server's defaults (for example the model's generation_config.json).
        var parameters = defaults with
        {
            N = n,
            Temperature = request.Temperature ?? defaults.Temperature,
            TopP = request.TopP ?? defaults.TopP,
            TopK = request.TopK ?? defaults.TopK,
            MinP = request.MinP ?? defaults.MinP,
            FrequencyPenalty = request.FrequencyPenalty ?? defaults.FrequencyPenalty,
            PresencePenalty = request.PresencePenalty ?? defaults.PresencePenalty,
            RepetitionPenalty = request.RepetitionPenalty ?? defaults.RepetitionPenalty,
            Seed = request.Seed ?? defaults.Seed,
            MaxTokens = maxTokens ?? defaults.MaxTokens,
            MinTokens = request.MinTokens ?? defaults.MinTokens,
            Stop = ReadStop(request.Stop) ?? defaults.Stop,
            StopTokenIds = request.StopTokenIds ?? defaults.StopTokenIds,
            IncludeStopStringInOutput = request.IncludeStopStrInOutput ?? defaults.IncludeStopStringInOutput,
            IgnoreEos = request.IgnoreEos ?? defaults.IgnoreEos,
            LogitBias = ReadLogitBias(request.LogitBias) ?? defaults.LogitBias,
            AllowedTokenIds = request.AllowedTokenIds ?? defaults.AllowedTokenIds,
            BadWords = request.BadWords ?? defaults.BadWords,
            Logprobs = logprobs,
            PromptLogprobs = request.PromptLogprobs,
            SkipSpecialTokens = request.SkipSpecialTokens ?? defaults.SkipSpecialTokens,
            OutputKind = RequestOutputKind.Delta,
        };
        Validate(parameters, maxTokensField);
        return parameters;
    }

    /// <summary>Runs the engine's checks; an out-of-range value becomes a 400 naming the wire field.</summary>
    public static void Validate(SamplingParameters parameters, string maxTokensField)
    {
        try
        {
            parameters.Validate();
        }
        catch (ArgumentException error)
        {
            throw FromEngine(error, maxTokensField);
        }
    }

    /// <summary>An engine <see cref="ArgumentException"/> as a 400 naming the wire field where it names a parameter.</summary>
    public static OpenAiException FromEngine(ArgumentException error, string maxTokensField = "max_tokens")
    {
        string? param = null;
        if (error.ParamName is { } name)
        {
            param = name == nameof(SamplingParameters.MaxTokens) ? maxTokensField : s_wireNames.GetValueOrDefault(name);
        }
        var message = PlainMessage(error);
        foreach (var (engineName, wireName) in s_wireNames)
        {
            var shown = engineName == nameof(SamplingParameters.MaxTokens) ? maxTokensField : wireName;
            message = message.Replace("SamplingParameters." + engineName, "'" + shown + "'", StringComparison.Ordinal);
        }
        return OpenAiException.BadRequest(message, param);
    }

    /// <summary>The exception's own message, without the "(Parameter 'x')" and "Actual value was" suffixes .NET appends.</summary>
    public static string PlainMessage(ArgumentException error)
    {
        var message = error.Message;
        var cut = message.IndexOf(" (Parameter '", StringComparison.Ordinal);
        if (cut >= 0)
        {
            message = message[..cut];
        }
        cut = message.IndexOf(Environment.NewLine + "Actual value was", StringComparison.Ordinal);
        return cut >= 0 ? message[..cut] : message;
    }

    private static string[]? ReadStop(JsonElement stop)
    {
        switch (stop.ValueKind)
        {
            case JsonValueKind.Undefined or JsonValueKind.Null:
                return null;
            case JsonValueKind.String:
                var single = stop.GetString()!;
                return single.Length == 0 ? throw OpenAiException.BadRequest("'stop' must not be an empty string.", "stop") : [single];
            case JsonValueKind.Array:
                var list = new List<string>();
                foreach (var item in stop.EnumerateArray())
                {
                    if (item.ValueKind != JsonValueKind.String || item.GetString() is not { Length: > 0 } text)
                    {
                        throw OpenAiException.BadRequest("'stop' must be a string or an array of non-empty strings.", "stop");
                    }
                    list.Add(text);
                }
                return list.Count == 0 ? null : [.. list];
            default:
                throw OpenAiException.BadRequest($"'stop' must be a string or an array of strings; got a JSON {Kind(stop)}.", "stop");
        }
    }

    private static Dictionary<int, float>? ReadLogitBias(Dictionary<string, float>? bias)
    {
        if (bias is null || bias.Count == 0)
        {
            return null;
        }
        var result = new Dictionary<int, float>(bias.Count);
        foreach (var (key, value) in bias)
        {
            if (!int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                throw OpenAiException.BadRequest($"'logit_bias' has the key '{key}', which is not a token id.", "logit_bias");
            }
            if (!float.IsFinite(value) || value is < -100f or > 100f)
            {
                throw OpenAiException.BadRequest($"'logit_bias' values must be in [-100, 100]; token {id} has {value.ToString(CultureInfo.InvariantCulture)}.", "logit_bias");
            }
            result[id] = value;
        }
        return result;
    }

    internal static string Kind(JsonElement element) => element.ValueKind.ToString().ToLowerInvariant();
}
