namespace LlmEngine.Chat.ToolCalls;

/// <summary>
/// Finds where a JSON object or array that the model is still writing ends, so a streamed tool call can be parsed as
/// soon as its closing bracket arrives. It only tracks brackets and strings; <see cref="System.Text.Json"/> does the
/// real validation afterwards.
/// </summary>
internal static class JsonValueScanner
{
    /// <summary>The scan result: the end of the value, or why there is none yet.</summary>
    public enum Status
    {
        /// <summary>The value is complete.</summary>
        Complete,

        /// <summary>More text is needed.</summary>
        Incomplete,

        /// <summary>The brackets do not match: this is not JSON.</summary>
        Invalid,
    }

    /// <summary>
    /// Scans the object or array starting at <paramref name="start"/> (which must be <c>{</c> or <c>[</c>); on
    /// <see cref="Status.Complete"/>, <paramref name="end"/> is the index just past its closing bracket.
    /// </summary>
    public static Status Scan(ReadOnlySpan<char> text, int start, out int end)
    {
        end = -1;
        Span<char> stack = stackalloc char[64];
        var depth = 0;
        var inString = false;
        var escaped = false;
        for (var i = start; i < text.Length; i++)
        {
            var c = text[i];
            if (inString)
            {
                inString = StaysInString(c, ref escaped);
                continue;
            }
            switch (c)
            {
                case '"':
                    if (depth == 0)
                    {
                        return Status.Invalid;
                    }
                    inString = true;
                    break;
                case '{' or '[':
                    if (depth == stack.Length)
                    {
                        // Deeper than any tool call needs; treat as not JSON rather than grow without bound.
                        return Status.Invalid;
                    }
                    stack[depth++] = c == '{' ? '}' : ']';
                    break;
                case '}' or ']':
                    if (depth == 0 || stack[depth - 1] != c)
                    {
                        return Status.Invalid;
                    }
                    depth--;
                    if (depth == 0)
                    {
                        end = i + 1;
                        return Status.Complete;
                    }
                    break;
                default:
                    if (depth == 0)
                    {
                        return Status.Invalid;
                    }
                    break;
            }
        }
        return Status.Incomplete;
    }

    /// <summary>
    /// Advances over <paramref name="c"/> inside a JSON string literal: false when it is the closing quote.
    /// <paramref name="escaped"/> carries a pending backslash from one character to the next.
    /// </summary>
    public static bool StaysInString(char c, ref bool escaped)
    {
        if (escaped)
        {
            escaped = false;
            return true;
        }
        escaped = c == '\\';
        return c != '"';
    }
}
