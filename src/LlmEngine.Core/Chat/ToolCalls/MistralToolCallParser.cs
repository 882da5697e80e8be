namespace LlmEngine.Chat.ToolCalls;

/// <summary>
/// Mistral tool calls: <c>[TOOL_CALLS]</c> followed by a JSON array of <c>{"name": ..., "arguments": {...}}</c>
/// (each array element is passed on as soon as it is complete), a single such object, or the newer
/// <c>[TOOL_CALLS]name[ARGS]{...}</c> form. Call ids are the 9 alphanumeric characters Mistral's templates require:
/// the model's own when it wrote a valid one, else new ones. Anything else after the marker stays text.
/// </summary>
internal sealed class MistralToolCallParser : ToolCallParser
{
    private const string Marker = "[TOOL_CALLS]";
    private const string ArgsMarker = "[ARGS]";
    private const string CallIdMarker = "[CALL_ID]";
    private const int MaxNameLength = 256;

    private enum State
    {
        Text,
        AfterMarker,
        Array,
        Object,
        NamedCall,
    }

    private string _pending = "";
    private State _state = State.Text;
    private int _callsInBlock;

    protected override string NewCallId(string? idFromModel) =>
        ToolCallIds.IsMistralId(idFromModel) ? idFromModel! : ToolCallIds.NewMistralId();

    protected override void Process(string delta)
    {
        _pending += delta;
        while (Step())
        {
        }
    }

    protected override void Complete()
    {
        if (_state == State.Text)
        {
            EmitText(_pending);
        }
        else if (_state == State.Array && _callsInBlock > 0 && _pending.AsSpan().Trim().IsEmpty)
        {
            // The output ended inside the array after complete calls (a truncated closing bracket): nothing lost.
        }
        else
        {
            EmitText(Unconsumed());
        }
        _pending = "";
        _state = State.Text;
    }

    /// <summary>Makes progress on the pending text; false when more text is needed.</summary>
    private bool Step()
    {
        switch (_state)
        {
            case State.Text:
                var marker = _pending.IndexOf(Marker, StringComparison.Ordinal);
                if (marker < 0)
                {
                    var keep = MarkerText.PartialSuffixLength(_pending, Marker);
                    EmitText(_pending.AsSpan(0, _pending.Length - keep));
                    _pending = _pending[^keep..];
                    return false;
                }
                EmitText(_pending.AsSpan(0, marker));
                _pending = _pending[(marker + Marker.Length)..];
                _state = State.AfterMarker;
                _callsInBlock = 0;
                return true;
            case State.AfterMarker:
                var first = MarkerText.SkipWhiteSpace(_pending);
                if (first == _pending.Length)
                {
                    return false;
                }
                var c = _pending[first];
                if (c == '[')
                {
                    _pending = _pending[(first + 1)..];
                    _state = State.Array;
                }
                else if (c == '{')
                {
                    _pending = _pending[first..];
                    _state = State.Object;
                }
                else if (IsNameCharacter(c))
                {
                    // Kept with its leading white space, so a malformed block comes back as text verbatim.
                    _state = State.NamedCall;
                }
                else
                {
                    return Malformed();
                }
                return true;
            case State.Array:
                return StepArray();
            case State.Object:
                return TakeObject(0, out var end) is { } taken && (taken ? Consumed(end, State.Text) : Malformed());
            default:
                return StepNamedCall();
        }
    }

    private bool StepArray()
    {
        var i = 0;
        while (i < _pending.Length && (char.IsWhiteSpace(_pending[i]) || (_pending[i] == ',' && _callsInBlock > 0)))
        {
            i++;
        }
        if (i == _pending.Length)
        {
            return false;
        }
        if (_pending[i] == ']' && _callsInBlock > 0)
        {
            return Consumed(i + 1, State.Text);
        }
        if (_pending[i] != '{')
        {
            return Malformed();
        }
        return TakeObject(i, out var end) is { } taken && (taken ? Consumed(end, State.Array) : Malformed());
    }

    private bool StepNamedCall()
    {
        var args = _pending.IndexOf(ArgsMarker, StringComparison.Ordinal);
        if (args < 0)
        {
            // Wait for [ARGS] only while what came so far can still be a name (and optional call id).
            var partial = _pending.AsSpan(0, _pending.Length - MarkerText.PartialSuffixLength(_pending, ArgsMarker));
            return partial.Length <= MaxNameLength && IsNameWithOptionalId(partial) ? false : Malformed();
        }
        var header = _pending.AsSpan(0, args);
        string? id = null;
        var idMarker = header.IndexOf(CallIdMarker, StringComparison.Ordinal);
        if (idMarker >= 0)
        {
            id = header[(idMarker + CallIdMarker.Length)..].Trim().ToString();
            header = header[..idMarker];
        }
        var name = header.Trim().ToString();
        if (name.Length == 0 || !IsName(name))
        {
            return Malformed();
        }
        var start = MarkerText.SkipWhiteSpace(_pending, args + ArgsMarker.Length);
        if (start == _pending.Length)
        {
            return false;
        }
        if (_pending[start] != '{')
        {
            return Malformed();
        }
        var status = JsonValueScanner.Scan(_pending, start, out var end);
        if (status == JsonValueScanner.Status.Incomplete)
        {
            return false;
        }
        var arguments = new Dictionary<string, object?>();
        if (status == JsonValueScanner.Status.Invalid || !ToolCallJson.TryParseArguments(_pending[start..end], arguments))
        {
            return Malformed();
        }
        EmitCall(name, arguments, id);
        _callsInBlock++;
        return Consumed(end, State.Text);
    }

    /// <summary>Parses the object at <paramref name="start"/>: null when incomplete, false when it is not a call.</summary>
    private bool? TakeObject(int start, out int end)
    {
        var status = JsonValueScanner.Scan(_pending, start, out end);
        if (status == JsonValueScanner.Status.Incomplete)
        {
            return null;
        }
        if (status == JsonValueScanner.Status.Invalid || !ToolCallJson.TryParseCall(_pending[start..end], out var name, out var arguments, out var id))
        {
            return false;
        }
        EmitCall(name, arguments, id);
        _callsInBlock++;
        return true;
    }

    private bool Consumed(int end, State next)
    {
        _pending = _pending[end..];
        _state = next;
        return true;
    }

    /// <summary>What follows the marker is not calls: it becomes text (with the marker when no call was taken).</summary>
    private bool Malformed()
    {
        EmitText(Unconsumed());
        _pending = "";
        _state = State.Text;
        return false;
    }

    private string Unconsumed() => _callsInBlock > 0 ? _pending : _state switch
    {
        State.Array => Marker + "[" + _pending,
        _ => Marker + _pending,
    };

    private static bool IsNameCharacter(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.';

    private static bool IsName(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!IsNameCharacter(c))
            {
                return false;
            }
        }
        return true;
    }

    private static bool IsNameWithOptionalId(ReadOnlySpan<char> text)
    {
        var idMarker = text.IndexOf(CallIdMarker, StringComparison.Ordinal);
        if (idMarker >= 0)
        {
            return IsName(text[..idMarker].Trim()) && IsName(text[(idMarker + CallIdMarker.Length)..].Trim());
        }
        // "[CALL_ID]" may itself be arriving: allow a partial marker at the end.
        var keep = MarkerText.PartialSuffixLength(text, CallIdMarker);
        return IsName(text[..^keep].Trim());
    }
}
