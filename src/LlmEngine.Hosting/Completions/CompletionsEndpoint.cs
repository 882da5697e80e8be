using LlmEngine.Hosting.Errors;
using LlmEngine.Hosting.Sampling;
using LlmEngine.Hosting.Serialization;
using LlmEngine.Hosting.Server;
using LlmEngine.Hosting.Streaming;
using Microsoft.AspNetCore.Http;

namespace LlmEngine.Hosting.Completions;

/// <summary>
/// <c>POST /v1/completions</c> straight on the engine: each prompt is one engine request with the request's
/// <c>n</c>; choice <c>i * n + j</c> is completion <c>j</c> of prompt <c>i</c>, and all stream interleaved.
/// </summary>
internal static class CompletionsEndpoint
{
    /// <summary>OpenAI's default <c>max_tokens</c> for completions.</summary>
    private const int DefaultMaxTokens = 16;

    /// <summary>The most choices (prompts times n) one request may ask for.</summary>
    private const int MaxChoices = 256;

    public static async Task HandleAsync(HttpContext context, OpenAiServer server)
    {
        var cancellationToken = context.RequestAborted;
        var request = await RequestBody.ReadAsync(context, OpenAiJsonContext.Default.CompletionRequest, server.Options.MaxRequestBodySize).ConfigureAwait(false);
        var model = await server.GetModelAsync(cancellationToken).ConfigureAwait(false);
        var modelName = model.ResolveName(request.Model);
        var engine = model.RequireEngine(modelName, "completions");
        if (!string.IsNullOrEmpty(request.Suffix))
        {
            throw OpenAiException.Unsupported("suffix", "'suffix' (fill-in-the-middle) is not supported: the server has no infill template for this model.");
        }
        var echo = request.Echo == true;
        var prompts = PromptReader.Read(request.Prompt, engine.Tokenizer, request.AddSpecialTokens ?? true, "prompt");
        var maxModelLength = engine.MaxModelLength;
        var longest = prompts.Max(p => p.TokenIds.Length);
        CheckLength(prompts, request.MaxTokens, maxModelLength);
        var maxTokens = request.MaxTokens ?? Math.Max(1, Math.Min(server.Options.DefaultSamplingParameters.MaxTokens ?? DefaultMaxTokens, maxModelLength - longest));
        var parameters = SamplingParametersMapper.Map(request, server.Options.DefaultSamplingParameters, maxTokens, "max_tokens", request.Logprobs);
        if (GuidedDecoding.Read(request) is { } guided)
        {
            parameters = parameters with { Constraint = guided.Spec };
        }
        if (echo && request.Logprobs is { } echoedLogprobs && request.PromptLogprobs is null)
        {
            // OpenAI's echo with logprobs lists the prompt's tokens too, so the engine computes the prompt's log-probabilities (as vLLM does).
            parameters = parameters with { PromptLogprobs = echoedLogprobs };
        }
        if (prompts.Count * parameters.N > MaxChoices)
        {
            throw OpenAiException.BadRequest($"{prompts.Count} prompts times n = {parameters.N} asks for {prompts.Count * parameters.N} completions; at most {MaxChoices} may be asked at once.", "n");
        }
        server.CheckCapacity(engine);

        var id = "cmpl-" + Guid.NewGuid().ToString("N");
        var streams = new List<IAsyncEnumerable<RequestOutput>>(prompts.Count);
        try
        {
            for (var i = 0; i < prompts.Count; i++)
            {
                streams.Add(engine.GenerateAsync(prompts[i].TokenIds, parameters, $"{id}-{i}", cancellationToken));
            }
        }
        catch (ArgumentException error)
        {
            throw RequestErrors.Classify(error, "prompt");
        }

        var n = parameters.N;
        var states = new CompletionChoiceState[prompts.Count * n];
        for (var i = 0; i < states.Length; i++)
        {
            states[i] = new CompletionChoiceState(i, echo ? prompts[i / n] : null, request.Logprobs, request.PromptLogprobs is not null, engine.Tokenizer);
        }
        var cached = new int[prompts.Count];
        // The engine sends a prompt's log-probabilities once, beside whichever choices that output carries: keep them for every choice.
        var promptLogprobs = new IReadOnlyList<PositionLogprobs?>?[prompts.Count];
        var timer = server.Metrics.StartRequest();
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        await using var outputs = StreamMerger.MergeAsync(streams, cancellationToken).GetAsyncEnumerator(cancellationToken);
        var hasOutput = await NextAsync(outputs).ConfigureAwait(false);
        var stream = request.Stream == true;
        var includeUsage = request.StreamOptions?.IncludeUsage == true;
        ServerSentEvents? events = stream ? await ServerSentEvents.StartAsync(context).ConfigureAwait(false) : null;
        UsageSlot? chunkUsage = includeUsage ? new UsageSlot(null) : null;
        try
        {
            while (hasOutput)
            {
                var (prompt, output) = outputs.Current;
                cached[prompt] = Math.Max(cached[prompt], output.NumCachedTokens);
                promptLogprobs[prompt] ??= output.PromptLogprobs;
                if (output.Finished)
                {
                    timer.EngineRequestFinished(output.Metrics);
                }
                timer.Output();
                foreach (var completion in output.Outputs)
                {
                    var state = states[prompt * n + completion.Index];
                    var choice = state.Apply(completion, promptLogprobs[prompt]);
                    if (completion.FinishReason is { } finish)
                    {
                        timer.CompletionFinished(finish.Value, completion.NumGeneratedTokens);
                    }
                    if (events is not null && choice is not null)
                    {
                        await events.WriteAsync(Response(id, created, modelName, [choice], chunkUsage), OpenAiJsonContext.Default.CompletionResponse).ConfigureAwait(false);
                    }
                }
                hasOutput = await NextAsync(outputs).ConfigureAwait(false);
            }
            var usage = Usage.Create(prompts.Sum(p => p.TokenIds.Length), states.Sum(s => s.NumGeneratedTokens), cached.Sum());
            timer.End(usage.PromptTokens);
            if (events is null)
            {
                var body = Response(id, created, modelName, [.. states.Select(s => s.ToChoice())], new UsageSlot(usage));
                await context.Response.WriteAsJsonAsync(body, OpenAiJsonContext.Default.CompletionResponse, contentType: "application/json", cancellationToken).ConfigureAwait(false);
                return;
            }
            if (includeUsage)
            {
                await events.WriteAsync(Response(id, created, modelName, [], new UsageSlot(usage)), OpenAiJsonContext.Default.CompletionResponse).ConfigureAwait(false);
            }
        }
        catch (OpenAiException error) when (events is not null && !cancellationToken.IsCancellationRequested)
        {
            await events.WriteErrorAsync(error).ConfigureAwait(false);
        }
        // Only a stream gets here: a whole response returned above, and its errors propagate to the endpoint wrapper.
        await events!.CompleteAsync().ConfigureAwait(false);
    }

    /// <summary>vLLM's check: a prompt that leaves no room, or no room for the requested tokens, is context_length_exceeded.</summary>
    private static void CheckLength(List<Prompt> prompts, int? maxTokens, int maxModelLength)
    {
        for (var i = 0; i < prompts.Count; i++)
        {
            var length = prompts[i].TokenIds.Length;
            var field = prompts.Count == 1 ? "prompt" : $"prompt[{i}]";
            if (length >= maxModelLength)
            {
                throw OpenAiException.ContextLengthExceeded(
                    $"This model's maximum context length is {maxModelLength} tokens. However, your prompt has {length} tokens. Please reduce the length of the prompt.", field);
            }
            if (maxTokens is { } requested && requested > 0 && length + requested > maxModelLength)
            {
                throw OpenAiException.ContextLengthExceeded(
                    $"This model's maximum context length is {maxModelLength} tokens. However, you requested {length + requested} tokens ({length} in the prompt, {requested} for the completion). Please reduce the length of the prompt or max_tokens.",
                    "max_tokens");
            }
        }
    }

    private static CompletionResponse Response(string id, long created, string model, List<CompletionChoice> choices, UsageSlot? usage) => new()
    {
        Id = id,
        Created = created,
        Model = model,
        Choices = choices,
        Usage = usage,
    };

    private static async ValueTask<bool> NextAsync(IAsyncEnumerator<(int, RequestOutput)> outputs)
    {
        try
        {
            return await outputs.MoveNextAsync().ConfigureAwait(false);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            throw RequestErrors.Classify(error, "prompt");
        }
    }
}
