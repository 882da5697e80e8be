using System.Text.Json;

namespace LlmEngine.Chat.ToolCalls;

/// <summary>
/// The fallback for templates without a known tool-call syntax: a message that is (after white space, and
/// optionally inside a <c>```json</c> fence) a JSON object <c>{"name": ..., "arguments": {...}}</c> or an array of
/// them is calls; every other message is text. Without a marker a JSON answer could look like a call, so every name
/// must be one of the offered tools; a JSON value that is not calls stays text, verbatim.
/// </summary>
internal sealed class JsonToolCallParser(IReadOnlySet<string> toolNames) : ToolCallParser
{
    private const string Fence = "```";

    private enum State
    {
        Start,
        Value,
        AfterValue,
        Text,
    }

    private string _pending = "";
    private State _state = State.Start;
    private int _valueStart;
    private bool _fenced;

    protected override void Process(string delta)
    {
        _pending += delta;
        while (Step())
        {
        }
    }

    protected override void Complete()
    {
        if (_state == State.AfterValue)
        {
            var rest = _pending.AsSpan().Trim();
            if (!rest.IsEmpty && !(_fenced && rest.SequenceEqual(Fence)))
            {
                EmitText(_pending);
            }
        }
        else
        {
            EmitText(_pending);
        }
        _pending = "";
    }

    private bool Step()
    {
        switch (_state)
        {
            case State.Start:
                var first = MarkerText.SkipWhiteSpace(_pending);
                if (first == _pending.Length)
                {
                    return false;
                }
                var rest = _pending.AsSpan(first);
                if (rest[0] is '{' or '[')
                {
                    _valueStart = first;
                    _state = State.Value;
                    return true;
                }
                if (rest.StartsWith(Fence, StringComparison.Ordinal))
                {
                    var newline = rest.IndexOf('\n');
                    if (newline < 0)
                    {
                        return rest.Length <= 16 ? false : ToText();
                    }
                    var language = rest[Fence.Length..newline].Trim();
                    var body = MarkerText.SkipWhiteSpace(_pending, first + newline + 1);
                    if (!(language.IsEmpty || language.Equals("json", StringComparison.OrdinalIgnoreCase)))
                    {
                        return ToText();
                    }
                    if (body == _pending.Length)
                    {
                        return false;
                    }
                    if (_pending[body] is not ('{' or '['))
                    {
                        return ToText();
                    }
                    _fenced = true;
                    _valueStart = body;
                    _state = State.Value;
                    return true;
                }
                return Fence.AsSpan().StartsWith(rest, StringComparison.Ordinal) ? false : ToText();
            case State.Value:
                var status = JsonValueScanner.Scan(_pending, _valueStart, out var end);
                if (status == JsonValueScanner.Status.Incomplete)
                {
                    return false;
                }
                if (status == JsonValueScanner.Status.Invalid || !TryTakeCalls(_pending[_valueStart..end]))
                {
                    return ToText();
                }
                _pending = _pending[end..];
                _state = State.AfterValue;
                return true;
            case State.AfterValue:
                var trimmed = _pending.AsSpan().Trim();
                if (trimmed.IsEmpty || (_fenced && Fence.AsSpan().StartsWith(trimmed, StringComparison.Ordinal)))
                {
                    return false;
                }
                return ToText();
            default:
                EmitText(_pending);
                _pending = "";
                return false;
        }
    }

    private bool ToText()
    {
        _state = State.Text;
        return true;
    }

    /// <summary>Emits the calls in <paramref name="json"/> when all of it is calls; otherwise emits nothing.</summary>
    private bool TryTakeCalls(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException)
        {
            return false;
        }
        using (document)
        {
            var root = document.RootElement;
            var calls = new List<(string Name, Dictionary<string, object?> Arguments, string? Id)>();
            if (root.ValueKind == JsonValueKind.Array)
            {
                foreach (var element in root.EnumerateArray())
                {
                    if (!ToolCallJson.TryReadCall(element, out var name, out var arguments, out var id) || !toolNames.Contains(name))
                    {
                        return false;
                    }
                    calls.Add((name, arguments, id));
                }
            }
            else if (ToolCallJson.TryReadCall(root, out var name, out var arguments, out var id) && toolNames.Contains(name))
            {
                calls.Add((name, arguments, id));
            }
            if (calls.Count == 0)
            {
                return false;
            }
            foreach (var (name, arguments, id) in calls)
            {
                EmitCall(name, arguments, id);
            }
            return true;
        }
    }
}
