namespace LlmEngine.Chat.ToolCalls;

/// <summary>
/// Llama 3.x JSON tool calls: the message is <c>{"name": ..., "parameters": {...}}</c> (several separated by
/// <c>;</c>), either from its first character or after <c>&lt;|python_tag|&gt;</c>. A message that starts otherwise
/// is text (it may still switch to calls at a <c>&lt;|python_tag|&gt;</c>); a JSON object that is not a call, and
/// everything after it, stays text. Without the tag a JSON answer could look like a call, so there the name must be
/// one of the offered tools.
/// </summary>
internal sealed class Llama3JsonToolCallParser(IReadOnlySet<string> toolNames) : ToolCallParser
{
    private const string PythonTag = "<|python_tag|>";

    private enum State
    {
        Start,
        Text,
        Calls,
    }

    private string _pending = "";
    private State _state = State.Start;
    private string _marker = "";
    private int _callsInBlock;

    protected override void Process(string delta)
    {
        _pending += delta;
        while (true)
        {
            switch (_state)
            {
                case State.Start:
                    var first = MarkerText.SkipWhiteSpace(_pending);
                    if (first == _pending.Length)
                    {
                        return;
                    }
                    var rest = _pending.AsSpan(first);
                    if (rest[0] == '{')
                    {
                        _pending = _pending[first..];
                        EnterCalls("");
                    }
                    else if (rest.StartsWith(PythonTag, StringComparison.Ordinal))
                    {
                        _pending = _pending[(first + PythonTag.Length)..];
                        EnterCalls(PythonTag);
                    }
                    else if (PythonTag.AsSpan().StartsWith(rest, StringComparison.Ordinal))
                    {
                        return;
                    }
                    else
                    {
                        _state = State.Text;
                    }
                    break;
                case State.Text:
                    var tag = _pending.IndexOf(PythonTag, StringComparison.Ordinal);
                    if (tag < 0)
                    {
                        var keep = MarkerText.PartialSuffixLength(_pending, PythonTag);
                        EmitText(_pending.AsSpan(0, _pending.Length - keep));
                        _pending = _pending[^keep..];
                        return;
                    }
                    EmitText(_pending.AsSpan(0, tag));
                    _pending = _pending[(tag + PythonTag.Length)..];
                    EnterCalls(PythonTag);
                    break;
                case State.Calls:
                    if (!TakeCall())
                    {
                        return;
                    }
                    break;
            }
        }
    }

    protected override void Complete()
    {
        if (_state == State.Calls)
        {
            var start = SkipSeparators();
            if (start < _pending.Length)
            {
                EmitText(Unconsumed(_pending));
            }
        }
        else
        {
            EmitText(_pending);
        }
        _pending = "";
    }

    private void EnterCalls(string marker)
    {
        _state = State.Calls;
        _marker = marker;
        _callsInBlock = 0;
    }

    /// <summary>Takes the next complete call from the pending text; false when more text is needed.</summary>
    private bool TakeCall()
    {
        var start = SkipSeparators();
        if (start == _pending.Length)
        {
            return false;
        }
        if (_pending[start] != '{')
        {
            ToText();
            return true;
        }
        var status = JsonValueScanner.Scan(_pending, start, out var end);
        if (status == JsonValueScanner.Status.Incomplete)
        {
            return false;
        }
        if (status == JsonValueScanner.Status.Invalid || !ToolCallJson.TryParseCall(_pending[start..end], out var name, out var arguments, out var id)
            || (_marker.Length == 0 && !toolNames.Contains(name)))
        {
            ToText();
            return true;
        }
        EmitCall(name, arguments, id);
        _callsInBlock++;
        _pending = _pending[end..];
        return true;
    }

    private int SkipSeparators()
    {
        var i = 0;
        while (i < _pending.Length && (char.IsWhiteSpace(_pending[i]) || (_pending[i] == ';' && _callsInBlock > 0)))
        {
            i++;
        }
        return i;
    }

    /// <summary>The rest of the message is not calls: it becomes text, with the marker when no call was taken from it.</summary>
    private void ToText()
    {
        EmitText(Unconsumed(_pending));
        _pending = "";
        _state = State.Text;
    }

    private string Unconsumed(string rest) => _callsInBlock == 0 ? _marker + rest : rest;
}
