using LlmEngine.Chat;
using LlmEngine.Hosting.ChatCompletions;
using LlmEngine.Hosting.Errors;
using LlmEngine.Hosting.Serialization;
using LlmEngine.Hosting.Server;
using LlmEngine.Templates;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;

namespace LlmEngine.Hosting.Tokenization;

/// <summary>
/// vLLM's <c>POST /tokenize</c> (a prompt, or chat messages rendered with the chat template) and <c>POST /detokenize</c>
/// with the model's tokenizer.
/// </summary>
internal static class TokenizationEndpoints
{
    public static async Task TokenizeAsync(HttpContext context, OpenAiServer server)
    {
        var request = await RequestBody.ReadAsync(context, OpenAiJsonContext.Default.TokenizeRequest, server.Options.MaxRequestBodySize).ConfigureAwait(false);
        var model = await server.GetModelAsync(context.RequestAborted).ConfigureAwait(false);
        var modelName = model.ResolveName(request.Model);
        var tokenizer = model.Tokenizer;
        int[] tokens;
        if (request.Messages is not null)
        {
            if (request.Prompt is not null)
            {
                throw OpenAiException.BadRequest("Send either 'prompt' or 'messages', not both.", "messages");
            }
            model.RequireEngine(modelName, "chat messages");
            var prompt = RenderChat(server, modelName, request);
            tokens = tokenizer.Encode(prompt, request.AddSpecialTokens ?? false, parseSpecialTokens: true);
        }
        else
        {
            var prompt = request.Prompt ?? throw OpenAiException.BadRequest("'prompt' (a string) or 'messages' (chat messages) is required.", "prompt");
            tokens = tokenizer.Encode(prompt, request.AddSpecialTokens ?? true, parseSpecialTokens: true);
        }
        List<string>? strings = null;
        if (request.ReturnTokenStrs == true)
        {
            strings = new List<string>(tokens.Length);
            foreach (var token in tokens)
            {
                strings.Add(tokenizer.GetTokenText(token));
            }
        }
        var body = new TokenizeResponse { Count = tokens.Length, MaxModelLen = model.MaxModelLength, Tokens = tokens, TokenStrs = strings };
        await context.Response.WriteAsJsonAsync(body, OpenAiJsonContext.Default.TokenizeResponse, contentType: "application/json", context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>The prompt a chat completion of these messages would start from, rendered by LlmEngine's chat client.</summary>
    private static string RenderChat(OpenAiServer server, string modelName, TokenizeRequest request)
    {
        var client = ChatCompletionsEndpoint.GetChatClient(server, modelName);
        var renderer = client.GetService<LlmEngineChatClient>() ?? throw OpenAiException.Unsupported("messages",
            $"Tokenizing 'messages' needs LlmEngine's chat client, which renders the chat template; the registered IChatClient is a {client.GetType().Name}. Send the rendered text as 'prompt'.");
        var messages = ChatMessageMapper.Map(request.Messages);
        // The chat request's own checks and mapping, so /tokenize renders exactly what /v1/chat/completions would.
        var chat = new ChatCompletionRequest
        {
            Messages = request.Messages,
            Tools = request.Tools,
            ChatTemplate = request.ChatTemplate,
            ChatTemplateKwargs = request.ChatTemplateKwargs,
            AddGenerationPrompt = request.AddGenerationPrompt,
            ContinueFinalMessage = request.ContinueFinalMessage,
        };
        var options = ChatOptionsBuilder.Build(chat, new SamplingParameters());
        try
        {
            return renderer.RenderPrompt(messages, options);
        }
        catch (Exception error) when (error is ArgumentException or ChatTemplateException)
        {
            throw RequestErrors.Classify(error, "messages");
        }
    }

    public static async Task DetokenizeAsync(HttpContext context, OpenAiServer server)
    {
        var request = await RequestBody.ReadAsync(context, OpenAiJsonContext.Default.DetokenizeRequest, server.Options.MaxRequestBodySize).ConfigureAwait(false);
        var model = await server.GetModelAsync(context.RequestAborted).ConfigureAwait(false);
        model.ResolveName(request.Model);
        var tokens = request.Tokens ?? throw OpenAiException.BadRequest("'tokens' is required: an array of token ids.", "tokens");
        var tokenizer = model.Tokenizer;
        for (var i = 0; i < tokens.Count; i++)
        {
            if (tokens[i] < 0 || tokens[i] >= tokenizer.VocabularySize)
            {
                throw OpenAiException.BadRequest($"'tokens[{i}]' is token id {tokens[i]}, outside the vocabulary [0, {tokenizer.VocabularySize}).", $"tokens[{i}]");
            }
        }
        var body = new DetokenizeResponse { Prompt = tokenizer.Decode(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(tokens)) };
        await context.Response.WriteAsJsonAsync(body, OpenAiJsonContext.Default.DetokenizeResponse, contentType: "application/json", context.RequestAborted).ConfigureAwait(false);
    }
}
