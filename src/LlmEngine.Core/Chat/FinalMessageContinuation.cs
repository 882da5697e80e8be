namespace LlmEngine.Chat;

/// <summary>
/// Cuts a rendered prompt right after the final message's text so that the model continues that message instead of
/// starting a new one (Hugging Face's and vLLM's <c>continue_final_message</c>): whatever the template writes after
/// the text (an end-of-turn token, a newline) is dropped.
/// </summary>
internal static class FinalMessageContinuation
{
    /// <summary>The prompt up to and including the last occurrence of <paramref name="finalContent"/>.</summary>
    /// <exception cref="ArgumentException">The rendered prompt does not contain the final message's text (the template rewrote it).</exception>
    public static string Cut(string prompt, string finalContent)
    {
        var trimmed = finalContent.Trim();
        var at = prompt.LastIndexOf(trimmed, StringComparison.Ordinal);
        if (at < 0)
        {
            throw new ArgumentException(
                "continue_final_message is set, but the final message's text does not appear in the prompt the chat template rendered, so there is no place to continue from.",
                "messages");
        }
        // As Hugging Face does: where the template kept the text's trailing whitespace, keep it; where it trimmed it, cut after the trimmed text.
        var end = prompt.AsSpan(at).StartsWith(finalContent, StringComparison.Ordinal) ? at + finalContent.Length : at + trimmed.Length;
        return prompt[..end];
    }
}
