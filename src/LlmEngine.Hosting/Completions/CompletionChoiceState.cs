using System.Text;
using LlmEngine.Hosting.ChatCompletions;
using LlmEngine.Hosting.Sampling;
using LlmEngine.Tokenization;

namespace LlmEngine.Hosting.Completions;

/// <summary>
/// One choice of a completion as outputs arrive: the streamed pieces and the accumulated whole. With <c>echo</c> the
/// prompt comes first, and with <c>logprobs</c> too the prompt's tokens lead the legacy logprobs lists (OpenAI's
/// shape: the first token's log-probability is null, nothing precedes it).
/// </summary>
/// <param name="index">The choice's index.</param>
/// <param name="echo">The prompt to echo, or null.</param>
/// <param name="numLogprobs">The request's <c>logprobs</c> (top alternatives per token), or null for none.</param>
/// <param name="returnPromptLogprobs">Whether the request asked for vLLM's <c>prompt_logprobs</c>.</param>
/// <param name="tokenizer">Decodes the echoed prompt's tokens.</param>
internal sealed class CompletionChoiceState(int index, Prompt? echo, int? numLogprobs, bool returnPromptLogprobs, ITokenizer tokenizer)
{
    private readonly StringBuilder _text = new();
    private readonly CompletionLogprobs? _logprobs = numLogprobs is null ? null : NewLogprobs();
    private readonly List<CompletionOutput> _held = [];
    private IReadOnlyList<PositionLogprobs?>? _promptPositions;
    private List<Dictionary<string, PromptTokenLogprob>?>? _promptLogprobs;
    private bool _echoed = echo is null;
    private int _offset;

    public int Index { get; } = index;

    public string? FinishReason { get; private set; }

    public int NumGeneratedTokens { get; private set; }

    /// <summary>Reads one engine output of this choice; returns the chunk choice to stream, or null when it adds nothing.</summary>
    /// <param name="output">The completion's output.</param>
    /// <param name="promptLogprobs">The prompt's log-probabilities once the engine has sent them (it sends them once per prompt), else null.</param>
    public CompletionChoice? Apply(CompletionOutput output, IReadOnlyList<PositionLogprobs?>? promptLogprobs)
    {
        _promptPositions ??= promptLogprobs;
        // Echoed log-probabilities start with the prompt's: hold the outputs until those arrive (they come with the first token, so this is rare).
        if (!_echoed && _logprobs is not null && _promptPositions is null && output.FinishReason is null)
        {
            _held.Add(output);
            return null;
        }
        var text = new StringBuilder();
        var delta = _logprobs is null ? null : NewLogprobs();
        if (!_echoed)
        {
            _echoed = true;
            text.Append(echo!.Text);
            if (delta is not null)
            {
                AddPrompt(delta, echo.TokenIds);
            }
        }
        foreach (var held in _held)
        {
            Take(held, text, delta);
        }
        _held.Clear();
        Take(output, text, delta);

        List<Dictionary<string, PromptTokenLogprob>?>? promptDelta = null;
        if (returnPromptLogprobs && _promptLogprobs is null && _promptPositions is not null)
        {
            promptDelta = _promptLogprobs = PromptLogprobsMapper.Map(_promptPositions);
        }
        if (delta is { Tokens.Count: 0 })
        {
            delta = null;
        }
        else if (delta is not null)
        {
            Append(_logprobs!, delta);
        }
        _text.Append(text);
        if (text.Length == 0 && delta is null && promptDelta is null && output.FinishReason is null)
        {
            return null;
        }
        return new CompletionChoice { Index = Index, Text = text.ToString(), Logprobs = delta, FinishReason = output.FinishReason?.Value, PromptLogprobs = promptDelta };
    }

    public CompletionChoice ToChoice() => new()
    {
        Index = Index,
        Text = _text.ToString(),
        Logprobs = _logprobs,
        FinishReason = FinishReason,
        PromptLogprobs = _promptLogprobs,
    };

    private void Take(CompletionOutput output, StringBuilder text, CompletionLogprobs? delta)
    {
        text.Append(output.Text);
        NumGeneratedTokens = output.NumGeneratedTokens;
        if (output.FinishReason is { } finish)
        {
            FinishReason = finish.Value;
        }
        if (delta is not null && output.Logprobs is { Count: > 0 } positions)
        {
            foreach (var position in positions)
            {
                Add(delta, position);
            }
        }
    }

    /// <summary>The echoed prompt's tokens: null log-probabilities where the engine has none (the first token, or all when they never came).</summary>
    private void AddPrompt(CompletionLogprobs delta, int[] tokenIds)
    {
        for (var i = 0; i < tokenIds.Length; i++)
        {
            if (_promptPositions is { } positions && i < positions.Count && positions[i] is { } position)
            {
                Add(delta, position);
                continue;
            }
            var token = Encoding.UTF8.GetString(tokenizer.GetTokenBytes(tokenIds[i]));
            delta.Tokens.Add(token);
            delta.TokenLogprobs.Add(null);
            delta.TopLogprobs.Add(null);
            delta.TextOffset.Add(_offset);
            _offset += token.Length;
        }
    }

    private static CompletionLogprobs NewLogprobs() => new() { Tokens = [], TokenLogprobs = [], TopLogprobs = [], TextOffset = [] };

    private void Add(CompletionLogprobs logprobs, PositionLogprobs position)
    {
        var chosen = position.Chosen;
        logprobs.Tokens.Add(chosen.Token);
        logprobs.TokenLogprobs.Add(ChatLogprobsMapper.Finite(chosen.Logprob));
        // Prompt positions may carry more alternatives (prompt_logprobs asked for more): show as many as logprobs asks.
        var count = Math.Min(position.Top.Count, numLogprobs ?? 0);
        var top = new Dictionary<string, float>(count + 1, StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            top.TryAdd(position.Top[i].Token, ChatLogprobsMapper.Finite(position.Top[i].Logprob));
        }
        top.TryAdd(chosen.Token, ChatLogprobsMapper.Finite(chosen.Logprob));
        logprobs.TopLogprobs.Add(top);
        logprobs.TextOffset.Add(_offset);
        _offset += chosen.Token.Length;
    }

    private static void Append(CompletionLogprobs into, CompletionLogprobs delta)
    {
        into.Tokens.AddRange(delta.Tokens);
        into.TokenLogprobs.AddRange(delta.TokenLogprobs);
        into.TopLogprobs.AddRange(delta.TopLogprobs);
        into.TextOffset.AddRange(delta.TextOffset);
    }
}
