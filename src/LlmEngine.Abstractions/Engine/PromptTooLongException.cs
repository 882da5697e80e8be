namespace LlmEngine;

/// <summary>
/// The prompt does not fit the model: it has at least <see cref="MaxModelLength"/> tokens, so no room is left to
/// generate. An <see cref="ArgumentException"/> like every other rejected request, typed so that a server can answer
/// OpenAI's <c>context_length_exceeded</c> without reading the message.
/// </summary>
public sealed class PromptTooLongException : ArgumentException
{
    /// <summary>Creates the exception with the standard message for these lengths.</summary>
    /// <param name="promptTokenCount">Tokens in the prompt.</param>
    /// <param name="maxModelLength">The engine's maximum model length.</param>
    /// <param name="paramName">The parameter that carried the prompt.</param>
    public PromptTooLongException(int promptTokenCount, int maxModelLength, string? paramName)
        : this(
            $"The prompt has {promptTokenCount} tokens; the maximum model length is {maxModelLength}, so a prompt may have at most {maxModelLength - 1}.",
            promptTokenCount, maxModelLength, paramName)
    {
    }

    /// <summary>Creates the exception with a caller's own wording (for example one that speaks of a rendered conversation).</summary>
    /// <param name="message">The message.</param>
    /// <param name="promptTokenCount">Tokens in the prompt.</param>
    /// <param name="maxModelLength">The engine's maximum model length.</param>
    /// <param name="paramName">The parameter that carried the prompt.</param>
    public PromptTooLongException(string message, int promptTokenCount, int maxModelLength, string? paramName)
        : base(message, paramName)
    {
        PromptTokenCount = promptTokenCount;
        MaxModelLength = maxModelLength;
    }

    /// <summary>Tokens in the prompt.</summary>
    public int PromptTokenCount { get; }

    /// <summary>The engine's maximum model length (prompt plus output).</summary>
    public int MaxModelLength { get; }
}
