using System.Text;
using LlmEngine.Chat;
using LlmEngine.Tokenization;
using Microsoft.Extensions.AI;

namespace LlmEngine.Hosting.ChatCompletions;

/// <summary>
/// One choice of a chat completion as its updates arrive: turns each <see cref="ChatResponseUpdate"/> into the
/// OpenAI deltas to stream (role first, then the echoed last message, content, reasoning, tool-call header then
/// arguments, finish reason) and accumulates the whole message for a non-streamed answer.
/// </summary>
/// <param name="index">The choice's index.</param>
/// <param name="role">The answer's role: assistant, or the last message's role when no generation prompt was added (as vLLM).</param>
/// <param name="echo">vLLM's <c>echo</c>: the last message's text, which the answer repeats before its own, or null.</param>
internal sealed class ChatChoiceState(int index, string role, string? echo)
{
    private const string LogprobsKey = "logprobs";

    private readonly StringBuilder _text = new();
    private readonly StringBuilder _reasoning = new();
    private readonly List<ToolCallResponse> _toolCalls = [];
    private List<ChatTokenLogprob>? _logprobs;
    private bool _roleSent;
    private string? _pendingEcho = string.IsNullOrEmpty(echo) ? null : echo;

    public int Index { get; } = index;

    public string? FinishReason { get; private set; }

    public UsageDetails? Usage { get; private set; }

    /// <summary>The prompt's log-probabilities, once an update has carried them.</summary>
    public IReadOnlyList<PositionLogprobs?>? PromptLogprobs { get; private set; }

    public bool Finished => FinishReason is not null;

    /// <summary>Reads an update; returns the chunk choices to stream for it, in order (possibly none).</summary>
    public List<ChatChunkChoice> Apply(ChatResponseUpdate update, ITokenizer tokenizer, bool wantLogprobs)
    {
        var chunks = new List<ChatChunkChoice>();
        if (!_roleSent)
        {
            _roleSent = true;
            chunks.Add(new ChatChunkChoice { Index = Index, Delta = new ChatDelta { Role = role, Content = "" } });
        }
        if (_pendingEcho is { } echoed)
        {
            _pendingEcho = null;
            _text.Append(echoed);
            chunks.Add(new ChatChunkChoice { Index = Index, Delta = new ChatDelta { Content = echoed } });
        }
        if (update.AdditionalProperties?.TryGetValue(LlmEngineChatOptionKeys.PromptLogprobs, out var prompt) == true && prompt is IReadOnlyList<PositionLogprobs?> promptPositions)
        {
            PromptLogprobs = promptPositions;
        }
        StringBuilder? text = null;
        StringBuilder? reasoning = null;
        var calls = new List<FunctionCallContent>();
        foreach (var content in update.Contents)
        {
            switch (content)
            {
                case TextContent t:
                    (text ??= new()).Append(t.Text);
                    break;
                case TextReasoningContent r:
                    (reasoning ??= new()).Append(r.Text);
                    break;
                case FunctionCallContent call:
                    calls.Add(call);
                    break;
                case UsageContent usage:
                    Usage = usage.Details;
                    break;
            }
        }
        List<ChatTokenLogprob>? logprobs = null;
        if (wantLogprobs && update.AdditionalProperties?.TryGetValue(LogprobsKey, out var value) == true && value is IReadOnlyList<PositionLogprobs> positions)
        {
            logprobs = ChatLogprobsMapper.Map(positions, tokenizer);
            (_logprobs ??= []).AddRange(logprobs);
        }
        if (text is not null || reasoning is not null || logprobs is not null)
        {
            _text.Append(text);
            _reasoning.Append(reasoning);
            chunks.Add(new ChatChunkChoice
            {
                Index = Index,
                Delta = new ChatDelta { Content = text?.ToString(), ReasoningContent = reasoning?.ToString() },
                Logprobs = logprobs is null ? null : new ChatLogprobs { Content = logprobs },
            });
        }
        foreach (var call in calls)
        {
            var callIndex = _toolCalls.Count;
            var arguments = ToolCallArguments.ToJson(call.Arguments);
            _toolCalls.Add(new ToolCallResponse { Id = call.CallId, Function = new FunctionCallResponse { Name = call.Name, Arguments = arguments } });
            chunks.Add(ToolCallChunk(new ToolCallDelta { Index = callIndex, Id = call.CallId, Type = "function", Function = new FunctionCallDelta { Name = call.Name, Arguments = "" } }));
            chunks.Add(ToolCallChunk(new ToolCallDelta { Index = callIndex, Function = new FunctionCallDelta { Arguments = arguments } }));
        }
        if (update.FinishReason is { } finish)
        {
            // Whatever the engine said, a message that ends in tool calls finishes with tool_calls (vLLM sometimes says stop).
            FinishReason = _toolCalls.Count > 0 && finish == ChatFinishReason.Stop ? ChatFinishReason.ToolCalls.Value : finish.Value;
            chunks.Add(new ChatChunkChoice { Index = Index, Delta = new ChatDelta(), FinishReason = FinishReason });
        }
        return chunks;
    }

    /// <summary>The whole choice, for a non-streamed response.</summary>
    public ChatChoice ToChoice() => new()
    {
        Index = Index,
        Message = new ChatResponseMessage
        {
            Role = role,
            Content = _toolCalls.Count > 0 && _text.Length == 0 ? null : _text.ToString(),
            ReasoningContent = _reasoning.Length > 0 ? _reasoning.ToString() : null,
            ToolCalls = _toolCalls.Count > 0 ? _toolCalls : null,
        },
        Logprobs = _logprobs is null ? null : new ChatLogprobs { Content = _logprobs },
        FinishReason = FinishReason,
    };

    /// <summary>The engine's reason (tool_calls is the engine's stop), for metrics.</summary>
    public string EngineFinishReason => FinishReason == ChatFinishReason.ToolCalls.Value ? "stop" : FinishReason ?? "abort";

    private ChatChunkChoice ToolCallChunk(ToolCallDelta delta) => new()
    {
        Index = Index,
        Delta = new ChatDelta { ToolCalls = [delta] },
    };
}
