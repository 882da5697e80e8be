using System.Text;
using Microsoft.Extensions.AI;

namespace LlmEngine.Chat.ToolCalls;

/// <summary>
/// Splits one completion's streamed text into text and <see cref="FunctionCallContent"/>s. Text is passed on as it
/// arrives, except what may be the start of a call marker; a call is passed on once it is complete. Output the
/// family's format does not explain stays text: parsing never throws. One instance per completion; not thread-safe.
/// </summary>
internal abstract class ToolCallParser
{
    private readonly StringBuilder _text = new();
    private readonly StringBuilder _heldWhiteSpace = new();
    private List<AIContent>? _output;

    /// <summary>Number of calls parsed so far.</summary>
    public int NumCalls { get; private set; }

    /// <summary>Feeds the next piece of text; appends to <paramref name="output"/> what is ready.</summary>
    public void Append(string delta, List<AIContent> output)
    {
        _output = output;
        Process(delta);
        FlushText();
        _output = null;
    }

    /// <summary>Ends the text: whatever is held back is resolved (an unfinished call is parsed if it can be, else becomes text).</summary>
    public void Finish(List<AIContent> output)
    {
        _output = output;
        Complete();
        if (NumCalls == 0)
        {
            _text.Append(_heldWhiteSpace);
        }
        _heldWhiteSpace.Clear();
        FlushText();
        _output = null;
    }

    /// <summary>Consumes a delta, calling <see cref="EmitText"/> and <see cref="EmitCall"/>.</summary>
    protected abstract void Process(string delta);

    /// <summary>Resolves everything held back at the end of the output.</summary>
    protected abstract void Complete();

    /// <summary>The id for a new call (families differ in the id shape their templates accept).</summary>
    protected virtual string NewCallId(string? idFromModel) => ToolCallIds.NewCallId();

    /// <summary>Passes text on. After a call, white space alone is held back: models put new lines between calls.</summary>
    protected void EmitText(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return;
        }
        if (NumCalls > 0 && text.IsWhiteSpace())
        {
            _heldWhiteSpace.Append(text);
            return;
        }
        _text.Append(_heldWhiteSpace).Append(text);
        _heldWhiteSpace.Clear();
    }

    /// <summary>Passes a parsed call on, after the text before it.</summary>
    protected void EmitCall(string name, Dictionary<string, object?> arguments, string? idFromModel)
    {
        _heldWhiteSpace.Clear();
        FlushText();
        _output!.Add(ToolCallJson.ToContent(NewCallId(idFromModel), name, arguments));
        NumCalls++;
    }

    private void FlushText()
    {
        if (_text.Length > 0)
        {
            _output!.Add(new TextContent(_text.ToString()));
            _text.Clear();
        }
    }
}
