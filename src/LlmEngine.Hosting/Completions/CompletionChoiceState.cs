using System.Text;
using LlmEngine.Hosting.ChatCompletions;

namespace LlmEngine.Hosting.Completions;

/// <summary>One choice of a completion as outputs arrive: the streamed pieces and the accumulated whole.</summary>
internal sealed class CompletionChoiceState(int index, string? echo, bool wantLogprobs)
{
    private readonly StringBuilder _text = new();
    private CompletionLogprobs? _logprobs = wantLogprobs ? NewLogprobs() : null;
    private string? _pendingEcho = echo;
    private int _offset;

    public int Index { get; } = index;

    public string? FinishReason { get; private set; }

    public int NumGeneratedTokens { get; private set; }

    /// <summary>Reads one engine output of this choice; returns the chunk choice to stream, or null when it adds nothing.</summary>
    public CompletionChoice? Apply(CompletionOutput output)
    {
        var text = output.Text;
        if (_pendingEcho is not null)
        {
            text = _pendingEcho + text;
            _offset += _pendingEcho.Length;
            _pendingEcho = null;
        }
        _text.Append(text);
        NumGeneratedTokens = output.NumGeneratedTokens;
        CompletionLogprobs? delta = null;
        if (_logprobs is not null && output.Logprobs is { Count: > 0 } positions)
        {
            delta = NewLogprobs();
            foreach (var position in positions)
            {
                Add(delta, position, ref _offset);
            }
            Append(_logprobs, delta);
        }
        if (output.FinishReason is { } finish)
        {
            FinishReason = finish.Value;
        }
        if (text.Length == 0 && delta is null && output.FinishReason is null)
        {
            return null;
        }
        return new CompletionChoice { Index = Index, Text = text, Logprobs = delta, FinishReason = output.FinishReason?.Value };
    }

    public CompletionChoice ToChoice() => new()
    {
        Index = Index,
        Text = _text.ToString(),
        Logprobs = _logprobs,
        FinishReason = FinishReason,
    };

    private static CompletionLogprobs NewLogprobs() => new() { Tokens = [], TokenLogprobs = [], TopLogprobs = [], TextOffset = [] };

    private static void Add(CompletionLogprobs logprobs, PositionLogprobs position, ref int offset)
    {
        var chosen = position.Chosen;
        logprobs.Tokens.Add(chosen.Token);
        logprobs.TokenLogprobs.Add(ChatLogprobsMapper.Finite(chosen.Logprob));
        var top = new Dictionary<string, float>(position.Top.Count + 1, StringComparer.Ordinal);
        foreach (var candidate in position.Top)
        {
            top.TryAdd(candidate.Token, ChatLogprobsMapper.Finite(candidate.Logprob));
        }
        top.TryAdd(chosen.Token, ChatLogprobsMapper.Finite(chosen.Logprob));
        logprobs.TopLogprobs.Add(top);
        logprobs.TextOffset.Add(offset);
        offset += chosen.Token.Length;
    }

    private static void Append(CompletionLogprobs into, CompletionLogprobs delta)
    {
        into.Tokens.AddRange(delta.Tokens);
        into.TokenLogprobs.AddRange(delta.TokenLogprobs);
        into.TopLogprobs.AddRange(delta.TopLogprobs);
        into.TextOffset.AddRange(delta.TextOffset);
    }
}
