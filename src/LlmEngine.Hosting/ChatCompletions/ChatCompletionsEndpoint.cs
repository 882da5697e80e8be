using LlmEngine.Hosting.Errors;
using LlmEngine.Hosting.Metrics;
using LlmEngine.Hosting.Sampling;
using LlmEngine.Hosting.Serialization;
using LlmEngine.Hosting.Server;
using LlmEngine.Hosting.Streaming;
using LlmEngine.Templates;
using LlmEngine.Tokenization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;

namespace LlmEngine.Hosting.ChatCompletions;

/// <summary>
/// <c>POST /v1/chat/completions</c> over the registered <see cref="IChatClient"/> (LlmEngine's renders the model's
/// chat template and parses its tool calls). Each of the <c>n</c> choices is one chat-client stream; they share the
/// prompt's KV blocks through the prefix cache and stream interleaved.
/// </summary>
internal static class ChatCompletionsEndpoint
{
    private const string PromptField = "messages";

    public static async Task HandleAsync(HttpContext context, OpenAiServer server)
    {
        var cancellationToken = context.RequestAborted;
        var request = await RequestBody.ReadAsync(context, OpenAiJsonContext.Default.ChatCompletionRequest, server.Options.MaxRequestBodySize).ConfigureAwait(false);
        var model = await server.GetModelAsync(cancellationToken).ConfigureAwait(false);
        var modelName = model.ResolveName(request.Model);
        var engine = model.RequireEngine(modelName, "chat completions");
        var client = GetChatClient(server, modelName);
        var messages = ChatMessageMapper.Map(request.Messages);
        if (request.TopLogprobs is not null && request.Logprobs != true)
        {
            throw OpenAiException.BadRequest("'top_logprobs' needs 'logprobs' set to true.", "top_logprobs");
        }
        var (maxTokens, maxTokensField) = request.MaxCompletionTokens is { } completionTokens
            ? (completionTokens, "max_completion_tokens")
            : (request.MaxTokens, "max_tokens");
        var wantLogprobs = request.Logprobs == true;
        var parameters = SamplingParametersMapper.Map(request, server.Options.DefaultSamplingParameters, maxTokens, maxTokensField, wantLogprobs ? request.TopLogprobs ?? 0 : null);
        var options = ChatOptionsBuilder.Build(request, parameters);
        server.CheckCapacity(engine);

        var streams = new List<IAsyncEnumerable<ChatResponseUpdate>>(parameters.N);
        try
        {
            for (var i = 0; i < parameters.N; i++)
            {
                streams.Add(client.GetStreamingResponseAsync(messages, ChatOptionsBuilder.ForChoice(options, parameters, i), cancellationToken));
            }
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            throw RequestErrors.Classify(error, PromptField);
        }

        var response = new ChatResponseContext(
            "chatcmpl-" + Guid.NewGuid().ToString("N"), DateTimeOffset.UtcNow.ToUnixTimeSeconds(), modelName,
            model.Tokenizer, wantLogprobs, server.Metrics.StartRequest());
        var (role, echo) = RoleAndEcho(request, messages[^1]);
        var states = new ChatChoiceState[parameters.N];
        for (var i = 0; i < states.Length; i++)
        {
            states[i] = new ChatChoiceState(i, role, echo);
        }
        await using var updates = StreamMerger.MergeAsync(streams, cancellationToken).GetAsyncEnumerator(cancellationToken);
        var hasUpdate = await NextAsync(updates).ConfigureAwait(false);
        if (request.Stream == true)
        {
            await StreamAsync(context, response, states, updates, hasUpdate, request.StreamOptions?.IncludeUsage == true).ConfigureAwait(false);
            return;
        }
        while (hasUpdate)
        {
            var (choice, update) = updates.Current;
            Observe(response, states[choice], update);
            hasUpdate = await NextAsync(updates).ConfigureAwait(false);
        }
        var usage = TotalUsage(states);
        response.Timer.End(usage.PromptTokens);
        var body = new ChatCompletionResponse
        {
            Id = response.Id,
            Created = response.Created,
            Model = response.Model,
            Choices = [.. states.Select(s => s.ToChoice())],
            Usage = usage,
            PromptLogprobs = states[0].PromptLogprobs is { } prompt ? PromptLogprobsMapper.Map(prompt) : null,
        };
        await context.Response.WriteAsJsonAsync(body, OpenAiJsonContext.Default.ChatCompletionResponse, contentType: "application/json", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// vLLM's rules: the answer's role is assistant unless the request turned the generation prompt off (then it goes on
    /// in the last message's role), and <c>echo</c> repeats the last message's text when it has that role.
    /// </summary>
    private static (string Role, string? Echo) RoleAndEcho(ChatCompletionRequest request, ChatMessage last)
    {
        var role = request.AddGenerationPrompt == false ? last.Role.Value : ChatRole.Assistant.Value;
        return (role, request.Echo == true && last.Role.Value == role ? last.Text : null);
    }

    /// <summary>The registered chat client; a model without one (or without a chat template) cannot chat: 400.</summary>
    public static IChatClient GetChatClient(OpenAiServer server, string modelName)
    {
        IChatClient? client;
        try
        {
            client = server.ChatClient;
        }
        catch (ChatTemplateException error)
        {
            throw OpenAiException.BadRequest($"The model `{modelName}` does not support chat completions: {error.Message}", "model", "chat_template_error", error);
        }
        return client ?? throw OpenAiException.BadRequest(
            $"The model `{modelName}` does not support chat completions: {OpenAiServer.NotRegistered(nameof(IChatClient))} Use /v1/completions for a base model.", "model");
    }

    private static async Task StreamAsync(HttpContext context, ChatResponseContext response, ChatChoiceState[] states,
        IAsyncEnumerator<(int Source, ChatResponseUpdate Item)> updates, bool hasUpdate, bool includeUsage)
    {
        var events = await ServerSentEvents.StartAsync(context).ConfigureAwait(false);
        UsageSlot? usageSlot = includeUsage ? new UsageSlot(null) : null;
        try
        {
            while (hasUpdate)
            {
                var (choice, update) = updates.Current;
                foreach (var chunkChoice in Observe(response, states[choice], update))
                {
                    await events.WriteAsync(response.Chunk([chunkChoice], usageSlot), OpenAiJsonContext.Default.ChatCompletionChunk).ConfigureAwait(false);
                }
                hasUpdate = await NextAsync(updates).ConfigureAwait(false);
            }
            var usage = TotalUsage(states);
            response.Timer.End(usage.PromptTokens);
            if (includeUsage)
            {
                await events.WriteAsync(response.Chunk([], new UsageSlot(usage)), OpenAiJsonContext.Default.ChatCompletionChunk).ConfigureAwait(false);
            }
        }
        catch (OpenAiException error) when (!context.RequestAborted.IsCancellationRequested)
        {
            await events.WriteErrorAsync(error).ConfigureAwait(false);
        }
        await events.CompleteAsync().ConfigureAwait(false);
    }

    /// <summary>Applies an update to its choice and records its timing; returns the chunk choices to stream.</summary>
    private static List<ChatChunkChoice> Observe(ChatResponseContext response, ChatChoiceState state, ChatResponseUpdate update)
    {
        response.Timer.Output();
        var chunks = state.Apply(update, response.Tokenizer, response.WantLogprobs);
        if (state.Finished && update.FinishReason is not null)
        {
            response.Timer.CompletionFinished(state.EngineFinishReason, (int)(state.Usage?.OutputTokenCount ?? 0));
            // LlmEngine's chat client hands the engine's last output over as the raw representation of its last update.
            response.Timer.EngineRequestFinished((update.RawRepresentation as RequestOutput)?.Metrics);
        }
        return chunks;
    }

    private static async ValueTask<bool> NextAsync(IAsyncEnumerator<(int, ChatResponseUpdate)> updates)
    {
        try
        {
            return await updates.MoveNextAsync().ConfigureAwait(false);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            throw RequestErrors.Classify(error, PromptField);
        }
    }

    /// <summary>OpenAI counts the prompt once, however many choices share it.</summary>
    private static Usage TotalUsage(ChatChoiceState[] states)
    {
        var first = states[0].Usage;
        var completion = 0L;
        foreach (var state in states)
        {
            completion += state.Usage?.OutputTokenCount ?? 0;
        }
        return Usage.Create((int)(first?.InputTokenCount ?? 0), (int)completion, (int)(first?.CachedInputTokenCount ?? 0));
    }

    /// <summary>What every chunk of one response repeats.</summary>
    private sealed record ChatResponseContext(string Id, long Created, string Model, ITokenizer Tokenizer, bool WantLogprobs, RequestTimer Timer)
    {
        public ChatCompletionChunk Chunk(List<ChatChunkChoice> choices, UsageSlot? usage) => new()
        {
            Id = Id,
            Created = Created,
            Model = Model,
            Choices = choices,
            Usage = usage,
        };
    }
}
