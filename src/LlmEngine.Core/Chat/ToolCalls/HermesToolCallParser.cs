namespace LlmEngine.Chat.ToolCalls;

/// <summary>
/// Hermes-style calls (Qwen2.5, Qwen3, NousResearch Hermes): each call is
/// <c>&lt;tool_call&gt;{"name": ..., "arguments": {...}}&lt;/tool_call&gt;</c>, with text allowed around them.
/// A block whose JSON is not a call stays text, markers included; a block left open when the output ends is still
/// a call if its JSON is complete (models often stop at EOS before the closing tag). A closing tag inside a JSON string
/// of the call is part of that string.
/// </summary>
internal sealed class HermesToolCallParser : ToolCallParser
{
    private const string Open = "<tool_call>";
    private const string Close = "</tool_call>";

    private string _pending = "";
    private bool _inCall;

    protected override void Process(string delta)
    {
        _pending += delta;
        while (true)
        {
            if (!_inCall)
            {
                var open = _pending.IndexOf(Open, StringComparison.Ordinal);
                if (open < 0)
                {
                    var keep = MarkerText.PartialSuffixLength(_pending, Open);
                    EmitText(_pending.AsSpan(0, _pending.Length - keep));
                    _pending = _pending[^keep..];
                    return;
                }
                EmitText(_pending.AsSpan(0, open));
                _pending = _pending[(open + Open.Length)..];
                _inCall = true;
            }
            var close = FindClose(_pending);
            if (close < 0)
            {
                return;
            }
            var body = _pending[..close];
            _pending = _pending[(close + Close.Length)..];
            _inCall = false;
            if (ToolCallJson.TryParseCall(body, out var name, out var arguments, out var id))
            {
                EmitCall(name, arguments, id);
            }
            else
            {
                EmitText(Open + body + Close);
            }
        }
    }

    // The closing tag that ends the block: the first one outside a JSON string, so an argument whose text contains
    // "</tool_call>" (which a constrained call may produce, and a model may write) does not cut the call short.
    private static int FindClose(string pending)
    {
        var inString = false;
        var escaped = false;
        for (var i = 0; i < pending.Length; i++)
        {
            var c = pending[i];
            if (inString)
            {
                inString = JsonValueScanner.StaysInString(c, ref escaped);
            }
            else if (c == '"')
            {
                inString = true;
            }
            else if (c == '<' && string.CompareOrdinal(pending, i, Close, 0, Close.Length) == 0)
            {
                return i;
            }
        }
        return -1;
    }

    protected override void Complete()
    {
        if (_inCall && ToolCallJson.TryParseCall(_pending, out var name, out var arguments, out var id))
        {
            EmitCall(name, arguments, id);
        }
        else
        {
            EmitText(_inCall ? Open + _pending : _pending);
        }
        _pending = "";
        _inCall = false;
    }
}
