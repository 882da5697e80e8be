using System.Text;
using LlmEngine.Chat.ToolCalls;
using Microsoft.Extensions.AI;

namespace LlmEngine.Chat;

/// <summary>
/// Turns one completion's streamed text into chat contents: reasoning split first, then tool calls from the answer.
/// One instance per request; not thread-safe.
/// </summary>
internal sealed class ChatOutputParser
{
    private readonly ReasoningSplitter? _reasoning;
    private readonly ToolCallParser? _toolCalls;
    private readonly bool _emitReasoning;
    private readonly bool _allowMultipleToolCalls;
    private readonly StringBuilder _reasoningText = new();
    private readonly StringBuilder _answerText = new();
    private readonly List<AIContent> _answer = [];

    public ChatOutputParser(ReasoningSplitter? reasoning, ToolCallParser? toolCalls, bool emitReasoning, bool allowMultipleToolCalls)
    {
        _reasoning = reasoning;
        _toolCalls = toolCalls;
        _emitReasoning = emitReasoning;
        _allowMultipleToolCalls = allowMultipleToolCalls;
    }

    /// <summary>Number of tool calls returned so far.</summary>
    public int NumToolCalls { get; private set; }

    /// <summary>Feeds a text delta; returns the contents ready to send (possibly none).</summary>
    public List<AIContent> Append(string delta)
    {
        var contents = new List<AIContent>();
        if (_reasoning is null)
        {
            _answerText.Append(delta);
        }
        else
        {
            _reasoning.Append(delta, _reasoningText, _answerText);
        }
        Drain(contents, finish: false);
        return contents;
    }

    /// <summary>Ends the output; returns the held-back contents.</summary>
    public List<AIContent> Finish()
    {
        var contents = new List<AIContent>();
        _reasoning?.Finish(_reasoningText, _answerText);
        Drain(contents, finish: true);
        return contents;
    }

    private void Drain(List<AIContent> contents, bool finish)
    {
        if (_reasoningText.Length > 0)
        {
            if (_emitReasoning)
            {
                contents.Add(new TextReasoningContent(_reasoningText.ToString()));
            }
            _reasoningText.Clear();
        }
        var answer = _answerText.ToString();
        _answerText.Clear();
        if (_toolCalls is null)
        {
            if (answer.Length > 0)
            {
                contents.Add(new TextContent(answer));
            }
            return;
        }
        _answer.Clear();
        if (answer.Length > 0)
        {
            _toolCalls.Append(answer, _answer);
        }
        if (finish)
        {
            _toolCalls.Finish(_answer);
        }
        foreach (var content in _answer)
        {
            if (content is FunctionCallContent)
            {
                // Without parallel calls only the first is returned, as vLLM does for parallel_tool_calls=false.
                if (NumToolCalls > 0 && !_allowMultipleToolCalls)
                {
                    continue;
                }
                NumToolCalls++;
            }
            contents.Add(content);
        }
    }
}
