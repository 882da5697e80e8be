using System.Security.Cryptography;

namespace LlmEngine.Chat.ToolCalls;

/// <summary>Call ids for parsed tool calls, in the shape each model family's template expects back.</summary>
internal static class ToolCallIds
{
    private const string Alphanumeric = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    /// <summary>An OpenAI-style id, <c>call_</c> and 24 alphanumeric characters.</summary>
    public static string NewCallId() => "call_" + RandomNumberGenerator.GetString(Alphanumeric, 24);

    /// <summary>A Mistral id: exactly 9 alphanumeric characters (Mistral's templates reject any other shape).</summary>
    public static string NewMistralId() => RandomNumberGenerator.GetString(Alphanumeric, 9);

    /// <summary>Whether <paramref name="id"/> is a valid Mistral call id.</summary>
    public static bool IsMistralId(string? id)
    {
        if (id is not { Length: 9 })
        {
            return false;
        }
        foreach (var c in id)
        {
            if (!char.IsAsciiLetterOrDigit(c))
            {
                return false;
            }
        }
        return true;
    }
}
