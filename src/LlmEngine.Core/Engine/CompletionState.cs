using System.Text;
using LlmEngine.Scheduling;
using LlmEngine.Tokenization;

namespace LlmEngine.Engine;

/// <summary>
/// The output side of one completion (one of a request's n sequences): detokenizer, stop-string matcher, the text and
/// tokens not yet reported, and how it finished. Owned by the engine loop thread.
/// </summary>
internal sealed class CompletionState
{
    private readonly StringBuilder _newText = new();
    private readonly StringBuilder? _fullText;
    private int _tokensReported;
    private int _logprobsReported;

    public CompletionState(RequestState parent, int index, Request request, ITokenizer tokenizer)
    {
        Parent = parent;
        Index = index;
        Request = request;
        var parameters = request.Parameters;
        Detokenizer = new IncrementalDetokenizer(tokenizer, parameters.SkipSpecialTokens);
        if (parameters.Stop is { Count: > 0 } stop)
        {
            StopMatcher = new StopStringMatcher(stop, parameters.IncludeStopStringInOutput);
        }
        StopTokenIds = parameters.StopTokenIds is { Count: > 0 } ids ? [.. ids] : [];
        if (parameters.OutputKind != RequestOutputKind.Delta)
        {
            _fullText = new StringBuilder();
        }
        if (parameters.Logprobs is not null)
        {
            Logprobs = [];
        }
        request.Owner = this;
    }

    public RequestState Parent { get; }

    public int Index { get; }

    public Request Request { get; }

    public IncrementalDetokenizer Detokenizer { get; }

    public StopStringMatcher? StopMatcher { get; }

    public int[] StopTokenIds { get; }

    public List<PositionLogprobs>? Logprobs { get; }

    public FinishReason? FinishReason { get; private set; }

    public object? StopReason { get; private set; }

    public bool IsFinished => FinishReason is not null;

    /// <summary>Whether there is something to report since the last output.</summary>
    public bool HasUpdate { get; set; }

    /// <summary>Feeds text through the stop-string matcher; returns the stop string if one completed.</summary>
    public string? AppendText(ReadOnlySpan<char> text)
    {
        if (StopMatcher is null)
        {
            _newText.Append(text);
            return null;
        }
        return StopMatcher.Process(text, _newText);
    }

    /// <summary>Ends the completion: flushes held-back bytes and text unless a stop string cut it.</summary>
    public void Finish(FinishReason reason, object? stopReason)
    {
        if (IsFinished)
        {
            return;
        }
        if (StopMatcher?.MatchedStopString is null)
        {
            AppendText(Detokenizer.Flush());
            StopMatcher?.Flush(_newText);
        }
        FinishReason = reason;
        StopReason = stopReason;
        HasUpdate = true;
    }

    /// <summary>Builds this completion's part of an output in the request's output kind and marks it reported.</summary>
    public CompletionOutput TakeOutput(RequestOutputKind kind)
    {
        var outputTokens = Request.OutputTokenIds;
        string text;
        int[] tokenIds;
        IReadOnlyList<PositionLogprobs>? logprobs = null;
        if (kind == RequestOutputKind.Delta)
        {
            text = _newText.ToString();
            tokenIds = outputTokens[_tokensReported..].ToArray();
            if (Logprobs is not null)
            {
                logprobs = Logprobs.GetRange(_logprobsReported, Logprobs.Count - _logprobsReported);
            }
        }
        else
        {
            _fullText!.Append(_newText);
            text = _fullText.ToString();
            tokenIds = outputTokens.ToArray();
            logprobs = Logprobs?.ToArray();
        }
        _newText.Clear();
        _tokensReported = outputTokens.Length;
        _logprobsReported = Logprobs?.Count ?? 0;
        HasUpdate = false;
        return new CompletionOutput
        {
            Index = Index,
            Text = text,
            TokenIds = tokenIds,
            Logprobs = logprobs,
            NumGeneratedTokens = outputTokens.Length,
            FinishReason = FinishReason,
            StopReason = StopReason,
        };
    }
}
