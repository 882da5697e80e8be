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
    private List<Dictionary<string, PromptTokenLogprob>?>? _promptLogprobs;
    private bool _promptLogprobsSent;

    public int Index { get; } = index;

    public string? FinishReason { get; private set; }

    public int NumGeneratedTokens { get; private set; }

    /// <summary>Reads one engine output of this choice; returns the chunk choice to stream, or null when it adds nothing.</summary>
    /// <param name="output">The completion's output.</param>
    /// <param name="promptLogprobs">The prompt's log-probabilities, on the output that carries them (the engine sends them once).</param>
    public CompletionChoice? Apply(CompletionOutput output, IReadOnlyList<PositionLogprobs?>? promptLogprobs)
    {
        if (promptLogprobs is not null && _promptLogprobs is null)
        {
            _promptLogprobs = MapPromptLogprobs(promptLogprobs);
        }
        List<Dictionary<string, PromptTokenLogprob>?>? promptDelta = null;
        if (_promptLogprobs is not null && !_promptLogprobsSent)
        {
            promptDelta = _promptLogprobs;
            _promptLogprobsSent = true;
        }
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
        if (text.Length == 0 && delta is null && promptDelta is null && output.FinishReason is null)
        {
            return null;
        }
        return new CompletionChoice { Index = Index, Text = text, Logprobs = delta, FinishReason = output.FinishReason?.Value, PromptLogprobs = promptDelta };
    }

    public CompletionChoice ToChoice() => new()
    {
        Index = Index,
        Text = _text.ToString(),
        Logprobs = _logprobs,
        FinishReason = FinishReason,
        PromptLogprobs = _promptLogprobs,
    };

    private static List<Dictionary<string, PromptTokenLogprob>?> MapPromptLogprobs(IReadOnlyList<PositionLogprobs?> positions)
    {
        var result = new List<Dictionary<string, PromptTokenLogprob>?>(positions.Count);
        foreach (var position in positions)
        {
            if (position is null)
            {
                result.Add(null);
                continue;
            }
            var entries = new Dictionary<string, PromptTokenLogprob>(position.Top.Count + 1, StringComparer.Ordinal);
            Add(entries, position.Chosen);
            foreach (var candidate in position.Top)
            {
                Add(entries, candidate);
            }
            result.Add(entries);
        }
        return result;

        static void Add(Dictionary<string, PromptTokenLogprob> entries, TokenLogprob token) =>
            entries.TryAdd(token.TokenId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                new PromptTokenLogprob { Logprob = ChatLogprobsMapper.Finite(token.Logprob), Rank = token.Rank, DecodedToken = token.Token });
    }

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
