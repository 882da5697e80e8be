using System.Text.Json;
using LlmEngine.Hosting.Errors;
using LlmEngine.Hosting.Serialization;
using LlmEngine.Hosting.Server;
using Microsoft.AspNetCore.Http;

namespace LlmEngine.Hosting.Tokenization;

/// <summary>vLLM's <c>POST /tokenize</c> and <c>POST /detokenize</c> with the model's tokenizer.</summary>
internal static class TokenizationEndpoints
{
    public static async Task TokenizeAsync(HttpContext context, OpenAiServer server)
    {
        var request = await RequestBody.ReadAsync(context, OpenAiJsonContext.Default.TokenizeRequest, server.Options.MaxRequestBodySize).ConfigureAwait(false);
        var model = await server.GetModelAsync(context.RequestAborted).ConfigureAwait(false);
        model.ResolveName(request.Model);
        if (request.Messages.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null))
        {
            throw OpenAiException.Unsupported("messages", "Tokenizing chat 'messages' is not supported; send the rendered text as 'prompt'.");
        }
        if (request.Prompt is null)
        {
            throw OpenAiException.BadRequest("'prompt' is required.", "prompt");
        }
        var tokenizer = model.Engine.Tokenizer;
        var tokens = tokenizer.Encode(request.Prompt, request.AddSpecialTokens ?? true, parseSpecialTokens: true);
        List<string>? strings = null;
        if (request.ReturnTokenStrs == true)
        {
            strings = new List<string>(tokens.Length);
            foreach (var token in tokens)
            {
                strings.Add(tokenizer.GetTokenText(token));
            }
        }
        var body = new TokenizeResponse { Count = tokens.Length, MaxModelLen = model.Engine.MaxModelLength, Tokens = tokens, TokenStrs = strings };
        await context.Response.WriteAsJsonAsync(body, OpenAiJsonContext.Default.TokenizeResponse, contentType: "application/json", context.RequestAborted).ConfigureAwait(false);
    }

    public static async Task DetokenizeAsync(HttpContext context, OpenAiServer server)
    {
        var request = await RequestBody.ReadAsync(context, OpenAiJsonContext.Default.DetokenizeRequest, server.Options.MaxRequestBodySize).ConfigureAwait(false);
        var model = await server.GetModelAsync(context.RequestAborted).ConfigureAwait(false);
        model.ResolveName(request.Model);
        var tokens = request.Tokens ?? throw OpenAiException.BadRequest("'tokens' is required: an array of token ids.", "tokens");
        var tokenizer = model.Engine.Tokenizer;
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
