using System.Runtime.CompilerServices;
using LlmEngine.Chat.Mapping;
using LlmEngine.Chat.ToolCalls;
using LlmEngine.Composition;
using LlmEngine.Sampling.Constraints;
using LlmEngine.Templates;
using LlmEngine.Tokenization;
using Microsoft.Extensions.AI;

namespace LlmEngine.Chat;

/// <summary>
/// An <see cref="IChatClient"/> over an in-process <see cref="ILlmEngine"/>: the conversation is rendered with the
/// model's chat template, tokenized and added to the engine as one request, and the answer streams back as
/// <see cref="ChatResponseUpdate"/>s with text, <see cref="TextReasoningContent"/> and <see cref="FunctionCallContent"/>.
/// </summary>
/// <remarks>
/// Thread-safe: concurrent calls are separate engine requests that the engine batches together. Everything a call
/// asks for is checked before the engine sees it; a bad message or option throws an <see cref="ArgumentException"/>
/// naming it. <see cref="ChatOptions.AdditionalProperties"/> takes vLLM's extra parameters under the keys in
/// <see cref="LlmEngineChatOptionKeys"/>; <see cref="ChatOptions.RawRepresentationFactory"/> may return a
/// <see cref="SamplingParameters"/> to start from. The client does not own the engine: disposing it leaves the engine running.
/// </remarks>
public sealed class LlmEngineChatClient : IChatClient
{
    private const string ProviderName = "llmengine";
    private const string LogprobsKey = "logprobs";

    private readonly ILlmEngine _engine;
    private readonly IChatPromptRenderer _renderer;
    private readonly LlmEngineChatClientOptions _options;
    private readonly ToolCallFormat _templateToolFormat;

    /// <summary>Creates a client that renders conversations with <paramref name="chatTemplate"/> and generates with <paramref name="engine"/>.</summary>
    /// <param name="engine">The engine; the client does not own it.</param>
    /// <param name="chatTemplate">The model's chat template; it also decides the tool-call format under <see cref="ToolCallFormat.Auto"/>.</param>
    /// <param name="options">Model id, tool-call format, default sampling parameters; defaults when null.</param>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public LlmEngineChatClient(ILlmEngine engine, ChatTemplate chatTemplate, LlmEngineChatClientOptions? options = null)
        : this(engine, chatTemplate, toolUseChatTemplate: null, options)
    {
    }

    /// <summary>
    /// Creates a client for a model with a separate template for requests that offer tools (the <c>tool_use</c> entry
    /// of a Hugging Face or GGUF template list).
    /// </summary>
    /// <param name="engine">The engine; the client does not own it.</param>
    /// <param name="chatTemplate">The default chat template.</param>
    /// <param name="toolUseChatTemplate">The template for requests with tools, or null to use <paramref name="chatTemplate"/> for them too.</param>
    /// <param name="options">Model id, tool-call format, default sampling parameters; defaults when null.</param>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public LlmEngineChatClient(ILlmEngine engine, ChatTemplate chatTemplate, ChatTemplate? toolUseChatTemplate, LlmEngineChatClientOptions? options = null)
        : this(engine, new ChatTemplatePromptRenderer(chatTemplate ?? throw new ArgumentNullException(nameof(chatTemplate)), toolUseChatTemplate, engine?.Tokenizer!), options, "local")
    {
    }

    /// <summary>
    /// Creates a client over a loaded model's engine, with the chat template(s) found as vLLM finds them: the explicit
    /// <see cref="LocalModelOptions.ChatTemplate"/>, else the Hugging Face folder's, else the GGUF file's. The model id
    /// defaults to <see cref="LocalModel.ModelId"/>.
    /// </summary>
    /// <param name="model">The loaded model; the client does not own it.</param>
    /// <param name="options">Model id, tool-call format, default sampling parameters; defaults when null.</param>
    /// <exception cref="ChatTemplateException">The model has no chat template and none was given, or the template does not parse.</exception>
    public LlmEngineChatClient(LocalModel model, LlmEngineChatClientOptions? options = null)
        : this(model ?? throw new ArgumentNullException(nameof(model)), LocalModelChatTemplates.Resolve(model), options)
    {
    }

    private LlmEngineChatClient(LocalModel model, (ChatTemplate Default, ChatTemplate? ToolUse) templates, LlmEngineChatClientOptions? options)
        : this(model.Engine, new ChatTemplatePromptRenderer(templates.Default, templates.ToolUse, model.Tokenizer), options, model.ModelId)
    {
    }

    internal LlmEngineChatClient(ILlmEngine engine, IChatPromptRenderer renderer, LlmEngineChatClientOptions? options, string defaultModelId)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(renderer);
        _engine = engine;
        _renderer = renderer;
        _options = options ?? new LlmEngineChatClientOptions();
        if (_options.ModelId is not null && string.IsNullOrWhiteSpace(_options.ModelId))
        {
            throw new ArgumentException("LlmEngineChatClientOptions.ModelId must not be empty or whitespace when set.", nameof(options));
        }
        ModelId = _options.ModelId ?? defaultModelId;
        if (!Enum.IsDefined(_options.ToolCallFormat))
        {
            throw new ArgumentOutOfRangeException(nameof(options), _options.ToolCallFormat, "LlmEngineChatClientOptions.ToolCallFormat is not a ToolCallFormat value.");
        }
        _options.DefaultParameters.Validate();
        _templateToolFormat = ToolCallParsers.Detect(renderer.TemplateSource);
        Metadata = new ChatClientMetadata(ProviderName, providerUri: null, defaultModelId: ModelId);
    }

    /// <summary>The provider name (<c>llmengine</c>) and the model id.</summary>
    public ChatClientMetadata Metadata { get; }

    /// <summary>The model id reported in responses: <see cref="LlmEngineChatClientOptions.ModelId"/>, else the model's name, else <c>local</c>.</summary>
    public string ModelId { get; }

    /// <summary>The tool-call format used when <see cref="LlmEngineChatClientOptions.ToolCallFormat"/> is <see cref="ToolCallFormat.Auto"/>, as detected from the chat template.</summary>
    public ToolCallFormat TemplateToolCallFormat => _templateToolFormat;

    /// <inheritdoc />
    /// <exception cref="ArgumentException">A message or option is invalid or not supported (checked before the engine is called).</exception>
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var updates = new List<ChatResponseUpdate>();
        List<PositionLogprobs>? logprobs = null;
        object? promptLogprobs = null;
        await foreach (var update in GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
        {
            updates.Add(update);
            if (update.AdditionalProperties?.TryGetValue(LogprobsKey, out var value) == true && value is IReadOnlyList<PositionLogprobs> positions)
            {
                (logprobs ??= []).AddRange(positions);
            }
            if (update.AdditionalProperties?.TryGetValue(LlmEngineChatOptionKeys.PromptLogprobs, out var prompt) == true)
            {
                promptLogprobs = prompt;
            }
        }
        var response = updates.ToChatResponse();
        if (logprobs is not null)
        {
            (response.AdditionalProperties ??= [])[LogprobsKey] = logprobs;
        }
        if (promptLogprobs is not null)
        {
            (response.AdditionalProperties ??= [])[LlmEngineChatOptionKeys.PromptLogprobs] = promptLogprobs;
        }
        return response;
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">A message or option is invalid or not supported (thrown by this call, before the engine is called).</exception>
    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var plan = ChatOptionsMapper.Map(messages, options, _options, ModelId, _templateToolFormat, this);
        var prompt = Render(plan);
        var promptTokenIds = _engine.Tokenizer.Encode(prompt, addSpecialTokens: false, parseSpecialTokens: true);
        if (promptTokenIds.Length == 0)
        {
            throw new ArgumentException("The chat template rendered an empty prompt for this conversation.", nameof(messages));
        }
        if (promptTokenIds.Length >= _engine.MaxModelLength)
        {
            throw new PromptTooLongException(
                $"The conversation renders to {promptTokenIds.Length} tokens; the maximum model length is {_engine.MaxModelLength}, so a prompt may have at most {_engine.MaxModelLength - 1}.",
                promptTokenIds.Length, _engine.MaxModelLength, nameof(messages));
        }
        var opensReasoning = ReasoningSplitter.PromptOpensReasoning(prompt);
        var parser = new ChatOutputParser(
            plan.ParseReasoning ? new ReasoningSplitter(opensReasoning) : null,
            ToolCallParsers.Create(plan.ToolCallFormat, plan.ToolNames),
            plan.EmitReasoning,
            plan.AllowMultipleToolCalls);
        var parameters = plan.Parameters;
        if (parameters.Constraint is ToolCallConstraint toolCalls && plan.ParseReasoning && opensReasoning)
        {
            // The output starts inside the reasoning the prompt opened: calls may only come after it closes.
            parameters = parameters with { Constraint = toolCalls with { OpensReasoning = true } };
        }
        var requestId = "chatcmpl-" + Guid.NewGuid().ToString("N");
        return Stream(requestId, promptTokenIds, parameters, plan.Priority, parser, DateTimeOffset.UtcNow, cancellationToken);
    }

    /// <summary>
    /// Renders the prompt text a call with these messages and options would generate from, without generating: the
    /// chat template (the model's, or <see cref="LlmEngineChatOptionKeys.ChatTemplate"/>), the generation prompt or
    /// <see cref="LlmEngineChatOptionKeys.ContinueFinalMessage"/>, tools and template variables, all checked as a call
    /// checks them. Tokenize it with <c>addSpecialTokens: false</c> and special-token parsing on, as the client does.
    /// </summary>
    /// <exception cref="ArgumentException">A message or option is invalid or not supported.</exception>
    /// <exception cref="ChatTemplateException">The template raised or failed for these messages.</exception>
    public string RenderPrompt(IEnumerable<ChatMessage> messages, ChatOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return Render(ChatOptionsMapper.Map(messages, options, _options, ModelId, _templateToolFormat, this));
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }
        if (serviceType == typeof(ChatClientMetadata))
        {
            return Metadata;
        }
        if (serviceType.IsInstanceOfType(this))
        {
            return this;
        }
        if (serviceType.IsInstanceOfType(_engine))
        {
            return _engine;
        }
        return serviceType == typeof(ITokenizer) ? _engine.Tokenizer : null;
    }

    /// <summary>Does nothing: the engine belongs to whoever created it.</summary>
    public void Dispose()
    {
    }

    private string Render(ChatRequestPlan plan)
    {
        var prompt = plan.ChatTemplate is { } template
            ? template.Render(plan.Messages, plan.Tools, plan.AddGenerationPrompt, _engine.Tokenizer.BosToken, _engine.Tokenizer.EosToken, plan.TemplateVariables)
            : _renderer.Render(plan.Messages, plan.Tools, plan.AddGenerationPrompt, plan.TemplateVariables);
        return plan.ContinueFinalMessage ? FinalMessageContinuation.Cut(prompt, plan.Messages[^1]!["content"]!.GetValue<string>()) : prompt;
    }

    private async IAsyncEnumerable<ChatResponseUpdate> Stream(string requestId, int[] promptTokenIds, SamplingParameters parameters, int priority, ChatOutputParser parser,
        DateTimeOffset createdAt, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var reader = _engine.AddRequest(requestId, promptTokenIds, parameters, priority);
        var finished = false;
        try
        {
            await foreach (var output in reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                // Outputs may already be queued; a cancelled caller must not keep receiving them.
                cancellationToken.ThrowIfCancellationRequested();
                var completion = output.Outputs.Count > 0 ? output.Outputs[0] : null;
                var contents = completion is { Text.Length: > 0 } ? parser.Append(completion.Text) : [];
                var logprobs = completion?.Logprobs is { Count: > 0 } positions ? positions : null;
                var promptLogprobs = output.PromptLogprobs;
                if (output.Finished)
                {
                    finished = true;
                    contents.AddRange(parser.Finish());
                    contents.Add(new UsageContent(Usage(output, completion)));
                    var final = NewUpdate(requestId, createdAt, contents, output, logprobs, promptLogprobs);
                    final.FinishReason = MapFinishReason(completion?.FinishReason, parser.NumToolCalls);
                    yield return final;
                    yield break;
                }
                if (contents.Count > 0 || logprobs is not null || promptLogprobs is not null)
                {
                    yield return NewUpdate(requestId, createdAt, contents, output, logprobs, promptLogprobs);
                }
            }
        }
        finally
        {
            if (!finished)
            {
                _engine.Abort(requestId);
            }
        }
    }

    private ChatResponseUpdate NewUpdate(string requestId, DateTimeOffset createdAt, List<AIContent> contents, RequestOutput output,
        IReadOnlyList<PositionLogprobs>? logprobs, IReadOnlyList<PositionLogprobs?>? promptLogprobs)
    {
        var update = new ChatResponseUpdate(ChatRole.Assistant, contents)
        {
            ResponseId = requestId,
            MessageId = requestId,
            ModelId = ModelId,
            CreatedAt = createdAt,
            RawRepresentation = output,
        };
        if (logprobs is not null)
        {
            (update.AdditionalProperties ??= [])[LogprobsKey] = logprobs;
        }
        if (promptLogprobs is not null)
        {
            (update.AdditionalProperties ??= [])[LlmEngineChatOptionKeys.PromptLogprobs] = promptLogprobs;
        }
        return update;
    }

    private static UsageDetails Usage(RequestOutput output, CompletionOutput? completion)
    {
        long input = output.PromptTokenIds.Count;
        long generated = completion?.NumGeneratedTokens ?? 0;
        return new UsageDetails
        {
            InputTokenCount = input,
            OutputTokenCount = generated,
            TotalTokenCount = input + generated,
            CachedInputTokenCount = output.NumCachedTokens,
        };
    }

    private static ChatFinishReason? MapFinishReason(FinishReason? reason, int numToolCalls)
    {
        if (reason is not { } value)
        {
            return null;
        }
        if (value == FinishReason.Length)
        {
            return ChatFinishReason.Length;
        }
        if (value == FinishReason.Stop)
        {
            return numToolCalls > 0 ? ChatFinishReason.ToolCalls : ChatFinishReason.Stop;
        }
        return new ChatFinishReason(value.Value);
    }
}
