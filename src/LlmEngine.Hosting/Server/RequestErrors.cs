using LlmEngine.Hosting.Errors;
using LlmEngine.Hosting.Sampling;
using LlmEngine.Templates;
using Microsoft.AspNetCore.Http;

namespace LlmEngine.Hosting.Server;

/// <summary>
/// Classifies what the chat client or the engine threw into the OpenAI error to answer: their
/// <see cref="ArgumentException"/>s are checks of the request (400; a <see cref="PromptTooLongException"/> is
/// <c>context_length_exceeded</c>), a template that raises is a 400 about the messages, a request that failed inside
/// the engine is a 500.
/// </summary>
internal static class RequestErrors
{
    public static OpenAiException Classify(Exception error, string promptField)
    {
        switch (error)
        {
            case OpenAiException openAi:
                return openAi;
            case PromptTooLongException tooLong:
                return OpenAiException.ContextLengthExceeded(ContextLengthMessage(tooLong, promptField), promptField);
            case ArgumentException argument:
                return argument.ParamName is "messages" or "promptTokenIds"
                    ? OpenAiException.BadRequest(SamplingParametersMapper.PlainMessage(argument), promptField)
                    : SamplingParametersMapper.FromEngine(argument);
            case ChatTemplateException template:
                return OpenAiException.BadRequest($"The chat template could not render these messages: {template.Message}", promptField, "chat_template_error", template);
            case LlmEngineRequestException failed:
                return new OpenAiException(StatusCodes.Status500InternalServerError, OpenAiException.Server,
                    $"The request failed inside the engine: {failed.Message}", code: "engine_error", innerException: failed);
            default:
                return new OpenAiException(StatusCodes.Status500InternalServerError, OpenAiException.Server,
                    $"The server failed to process the request ({error.GetType().Name}: {error.Message}).", code: "internal_error", innerException: error);
        }
    }

    /// <summary>vLLM's wording, which clients and people already recognise.</summary>
    private static string ContextLengthMessage(PromptTooLongException error, string promptField) =>
        $"This model's maximum context length is {error.MaxModelLength} tokens. However, your {(promptField == "messages" ? "messages resulted in" : "prompt has")} " +
        $"{error.PromptTokenCount} tokens. Please reduce the length of the {(promptField == "messages" ? "messages" : "prompt")}.";
}
