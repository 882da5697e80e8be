using LlmEngine.Hosting.Errors;
using LlmEngine.Templates;

namespace LlmEngine.Hosting.ChatCompletions;

/// <summary>
/// Parses a request's own <c>chat_template</c> (vLLM renders it instead of the model's). <see cref="ChatTemplate.Parse"/>
/// keeps the compiled templates in a bounded cache keyed by their text, so clients that send the same template with
/// every request parse it once.
/// </summary>
internal static class ChatTemplates
{
    /// <exception cref="OpenAiException">The text is not a valid Jinja template (400 naming <paramref name="field"/>).</exception>
    public static ChatTemplate Parse(string source, string field)
    {
        if (string.IsNullOrWhiteSpace(source))
        {
            throw OpenAiException.BadRequest($"'{field}' is empty; send the Jinja template text, or leave it out to use the model's template.", field);
        }
        try
        {
            return ChatTemplate.Parse(source);
        }
        catch (ChatTemplateException error)
        {
            throw OpenAiException.BadRequest($"'{field}' is not a valid chat template: {error.Message}", field, "chat_template_error", error);
        }
    }
}
