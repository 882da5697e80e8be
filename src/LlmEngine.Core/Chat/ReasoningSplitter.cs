using System.Text;

namespace LlmEngine.Chat;

/// <summary>
/// Splits a reasoning model's streamed output into reasoning and answer: text inside <c>&lt;think&gt;...&lt;/think&gt;</c>
/// at the start of the output (or from the start, when the prompt already opened the block, as DeepSeek-R1 and
/// Qwen3 templates can) is reasoning; the rest is the answer. Output that does not start with the tag is all answer.
/// One instance per completion; not thread-safe.
/// </summary>
internal sealed class ReasoningSplitter
{
    private const string Open = "<think>";
    private const string Close = "</think>";

    private enum State
    {
        Start,
        Reasoning,
        AfterReasoning,
        Answer,
    }

    private string _pending = "";
    private State _state;

    /// <summary>Creates a splitter; <paramref name="startsInReasoning"/> when the prompt ends inside an open think block.</summary>
    public ReasoningSplitter(bool startsInReasoning)
    {
        _state = startsInReasoning ? State.Reasoning : State.Start;
    }

    /// <summary>Whether a prompt ends inside an open think block, so the output begins with reasoning.</summary>
    public static bool PromptOpensReasoning(string prompt)
    {
        var trimmed = prompt.AsSpan().TrimEnd();
        return trimmed.EndsWith(Open, StringComparison.Ordinal);
    }

    /// <summary>Feeds a delta; appends what is ready to <paramref name="reasoning"/> and <paramref name="answer"/>.</summary>
    public void Append(string delta, StringBuilder reasoning, StringBuilder answer)
    {
        _pending += delta;
        while (true)
        {
            switch (_state)
            {
                case State.Start:
                    var trimmed = _pending.AsSpan().TrimStart();
                    if (trimmed.StartsWith(Open, StringComparison.Ordinal))
                    {
                        _pending = trimmed[Open.Length..].ToString();
                        _state = State.Reasoning;
                        continue;
                    }
                    if (trimmed.IsEmpty || Open.AsSpan().StartsWith(trimmed, StringComparison.Ordinal))
                    {
                        return;
                    }
                    _state = State.Answer;
                    continue;
                case State.Reasoning:
                    var close = _pending.IndexOf(Close, StringComparison.Ordinal);
                    if (close < 0)
                    {
                        var keep = MarkerTextLength(_pending);
                        reasoning.Append(_pending.AsSpan(0, _pending.Length - keep));
                        _pending = _pending[^keep..];
                        return;
                    }
                    reasoning.Append(_pending.AsSpan(0, close));
                    _pending = _pending[(close + Close.Length)..];
                    _state = State.AfterReasoning;
                    continue;
                case State.AfterReasoning:
                    // Templates put blank lines between the block and the answer; they are not part of the answer.
                    var start = 0;
                    while (start < _pending.Length && _pending[start] is '\n' or '\r')
                    {
                        start++;
                    }
                    if (start == _pending.Length)
                    {
                        _pending = "";
                        return;
                    }
                    _pending = _pending[start..];
                    _state = State.Answer;
                    continue;
                default:
                    answer.Append(_pending);
                    _pending = "";
                    return;
            }
        }
    }

    /// <summary>Ends the output: held-back text goes where it belongs (an unclosed block stays reasoning).</summary>
    public void Finish(StringBuilder reasoning, StringBuilder answer)
    {
        if (_state == State.Reasoning)
        {
            reasoning.Append(_pending);
        }
        else if (_state != State.AfterReasoning)
        {
            answer.Append(_pending);
        }
        _pending = "";
    }

    private static int MarkerTextLength(string text) => ToolCalls.MarkerText.PartialSuffixLength(text, Close);
}
