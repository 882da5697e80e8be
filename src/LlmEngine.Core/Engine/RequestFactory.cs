using LlmEngine.Sampling;
using LlmEngine.Sampling.Constraints;
using LlmEngine.Scheduling;
using LlmEngine.Tokenization;

namespace LlmEngine.Engine;

/// <summary>
/// Validates a request at the edge, on the caller's thread, and builds its engine-side state: nothing invalid
/// reaches the engine loop. Errors are <see cref="ArgumentException"/>s naming the parameter and the allowed range.
/// </summary>
internal sealed class RequestFactory
{
    private readonly ITokenizer _tokenizer;
    private readonly int _vocabularySize;
    private readonly int _maxModelLength;
    private readonly int _blockSize;
    private readonly int _numBlocks;
    private readonly bool _enablePrefixCaching;
    private readonly long? _engineSeed;
    private long _arrivalCounter;

    public RequestFactory(ITokenizer tokenizer, int vocabularySize, int maxModelLength, int blockSize, int numBlocks, bool enablePrefixCaching, long? engineSeed)
    {
        _tokenizer = tokenizer;
        _vocabularySize = vocabularySize;
        _maxModelLength = maxModelLength;
        _blockSize = blockSize;
        _numBlocks = numBlocks;
        _enablePrefixCaching = enablePrefixCaching;
        _engineSeed = engineSeed;
    }

    public RequestState Create(string requestId, IReadOnlyList<int> promptTokenIds, SamplingParameters? parameters, int priority)
    {
        ArgumentException.ThrowIfNullOrEmpty(requestId);
        ArgumentNullException.ThrowIfNull(promptTokenIds);
        parameters ??= new SamplingParameters();
        parameters.Validate();

        if (promptTokenIds.Count == 0)
        {
            throw new ArgumentException("The prompt is empty; it must have at least one token.", nameof(promptTokenIds));
        }
        if (promptTokenIds.Count >= _maxModelLength)
        {
            throw new PromptTooLongException(promptTokenIds.Count, _maxModelLength, nameof(promptTokenIds));
        }
        var prompt = new int[promptTokenIds.Count];
        for (var i = 0; i < prompt.Length; i++)
        {
            prompt[i] = CheckTokenId(promptTokenIds[i], nameof(promptTokenIds));
        }

        var room = _maxModelLength - prompt.Length;
        if (parameters.MaxTokens is { } maxTokens && maxTokens > room)
        {
            throw new ArgumentOutOfRangeException(nameof(SamplingParameters.MaxTokens), maxTokens,
                $"SamplingParameters.MaxTokens is {maxTokens}, but the prompt has {prompt.Length} tokens and the maximum model length is {_maxModelLength}: at most {room} may be generated.");
        }
        var resolvedMaxTokens = parameters.MaxTokens ?? room;
        var blocksNeeded = (prompt.Length + resolvedMaxTokens + _blockSize - 1) / _blockSize;
        if (blocksNeeded > _numBlocks)
        {
            throw new ArgumentException(
                $"The request needs {blocksNeeded} KV blocks (prompt {prompt.Length} + up to {resolvedMaxTokens} tokens) but the KV cache has only {_numBlocks}; lower SamplingParameters.MaxTokens.",
                nameof(parameters));
        }
        CheckTokenIds(parameters.StopTokenIds, nameof(SamplingParameters.StopTokenIds));
        CheckTokenIds(parameters.AllowedTokenIds, nameof(SamplingParameters.AllowedTokenIds));
        if (parameters.LogitBias is not null)
        {
            foreach (var (id, _) in parameters.LogitBias)
            {
                CheckTokenId(id, nameof(SamplingParameters.LogitBias));
            }
        }
        var badWords = TokenizeBadWords(parameters.BadWords);
        // Compiling here rejects a bad schema, regex or grammar before the request reaches the engine loop.
        var compiled = parameters.Constraint is { } spec ? ConstraintCompiler.Shared.Compile(spec) : null;

        var state = new RequestState(requestId, prompt, parameters, priority);
        var completions = new CompletionState[parameters.N];
        var baseSeed = parameters.Seed ?? (_engineSeed is { } engineSeed ? SamplingGenerator.Mix(engineSeed, Interlocked.Read(ref _arrivalCounter)) : Random.Shared.NextInt64());
        Request? leader = null;
        for (var i = 0; i < completions.Length; i++)
        {
            var childId = completions.Length == 1 ? requestId : $"{i}_{requestId}";
            var request = new Request(childId, prompt, parameters, resolvedMaxTokens, Interlocked.Increment(ref _arrivalCounter), priority)
            {
                // vLLM bypasses the prefix cache for prompt log-probabilities: every prompt position must be computed.
                SkipPrefixCache = parameters.PromptLogprobs is not null && i == 0,
                NumPromptLogprobs = i == 0 ? parameters.PromptLogprobs : null,
                PrefillLeader = _enablePrefixCaching ? leader : null,
            };
            // As vLLM does for n > 1, child i of a seeded request uses seed + i.
            request.SamplingState = new SamplingState(parameters, baseSeed + i, _tokenizer.EndOfGenerationTokenIds, badWords, compiled?.CreateState(_tokenizer));
            completions[i] = new CompletionState(state, i, request, _tokenizer);
            leader ??= request;
        }
        state.Completions = completions;
        return state;
    }

    private List<int[]> TokenizeBadWords(IReadOnlyList<string>? words)
    {
        var result = new List<int[]>();
        if (words is null)
        {
            return result;
        }
        foreach (var word in words)
        {
            // As vLLM: the word as written and with a leading space (how it looks mid-sentence), whichever tokenize.
            foreach (var variant in (ReadOnlySpan<string>)[word, " " + word.TrimStart()])
            {
                var ids = _tokenizer.Encode(variant, addSpecialTokens: false, parseSpecialTokens: false);
                if (ids.Length > 0 && !ContainsSequence(result, ids))
                {
                    foreach (var id in ids)
                    {
                        CheckTokenId(id, nameof(SamplingParameters.BadWords));
                    }
                    result.Add(ids);
                }
            }
        }
        return result;
    }

    private static bool ContainsSequence(List<int[]> list, int[] ids)
    {
        foreach (var existing in list)
        {
            if (existing.AsSpan().SequenceEqual(ids))
            {
                return true;
            }
        }
        return false;
    }

    private void CheckTokenIds(IReadOnlyList<int>? ids, string parameter)
    {
        if (ids is null)
        {
            return;
        }
        foreach (var id in ids)
        {
            CheckTokenId(id, parameter);
        }
    }

    private int CheckTokenId(int id, string parameter)
    {
        if ((uint)id >= (uint)_vocabularySize)
        {
            throw new ArgumentOutOfRangeException(parameter, id, $"{parameter} holds token id {id}, outside the vocabulary [0, {_vocabularySize}).");
        }
        return id;
    }
}
