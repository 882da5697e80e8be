using System.Text.Json;

namespace LlmEngine.Models.Safetensors;

/// <summary>Turns a <see cref="JsonException"/> into a one-line description with a 1-based line and byte position.</summary>
internal static class JsonErrors
{
    public static string Describe(JsonException e)
    {
        var message = e.Message;
        // System.Text.Json appends its own 0-based "Path: $ | LineNumber: 0 | BytePositionInLine: 5." suffix.
        var cut = message.IndexOf(" Path: ", StringComparison.Ordinal);
        if (cut < 0)
        {
            cut = message.IndexOf(" LineNumber: ", StringComparison.Ordinal);
        }
        if (cut > 0)
        {
            message = message[..cut];
        }
        return e.LineNumber is { } line
            ? $"at line {line + 1}, byte {(e.BytePositionInLine ?? 0) + 1}: {message}"
            : message;
    }
}
