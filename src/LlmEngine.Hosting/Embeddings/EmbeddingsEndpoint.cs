using System.Runtime.InteropServices;
using LlmEngine.Hosting.Completions;
using LlmEngine.Hosting.Errors;
using LlmEngine.Hosting.Serialization;
using LlmEngine.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;

namespace LlmEngine.Hosting.Embeddings;

/// <summary><c>POST /v1/embeddings</c> over the registered <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>.</summary>
internal static class EmbeddingsEndpoint
{
    public static async Task HandleAsync(HttpContext context, OpenAiServer server)
    {
        var cancellationToken = context.RequestAborted;
        var request = await RequestBody.ReadAsync(context, OpenAiJsonContext.Default.EmbeddingRequest, server.Options.MaxRequestBodySize).ConfigureAwait(false);
        var model = await server.GetModelAsync(cancellationToken).ConfigureAwait(false);
        var modelName = model.ResolveName(request.Model);
        var generator = server.Embeddings ?? throw OpenAiException.BadRequest(
            $"The model `{modelName}` does not support embeddings: no IEmbeddingGenerator<string, Embedding<float>> is registered.", "model", "model_not_supported");
        var base64 = request.EncodingFormat switch
        {
            null or "float" => false,
            "base64" => true,
            var other => throw OpenAiException.BadRequest($"'encoding_format' must be float or base64; got '{other}'.", "encoding_format"),
        };
        if (request.Dimensions is < 1)
        {
            throw OpenAiException.BadRequest($"'dimensions' must be at least 1; got {request.Dimensions}.", "dimensions");
        }
        var tokenizer = model.Tokenizer;
        var inputs = PromptReader.Read(request.Input, tokenizer, addSpecialTokens: true, "input");
        var texts = inputs.Select(i => i.Text).ToList();
        GeneratedEmbeddings<Embedding<float>> generated;
        try
        {
            generated = await generator.GenerateAsync(texts, new EmbeddingGenerationOptions { Dimensions = request.Dimensions }, cancellationToken).ConfigureAwait(false);
        }
        catch (ArgumentException error)
        {
            // The generator names its own parameters: the inputs are 'values', the dimensions are in 'options'.
            var param = error.ParamName == "options" && request.Dimensions is not null ? "dimensions" : "input";
            throw OpenAiException.BadRequest(Sampling.SamplingParametersMapper.PlainMessage(error), param, inner: error);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            throw RequestErrors.Classify(error, "input");
        }
        if (generated.Count != texts.Count)
        {
            throw new OpenAiException(StatusCodes.Status500InternalServerError, OpenAiException.Server,
                $"The embedding generator returned {generated.Count} embeddings for {texts.Count} inputs.", code: "internal_error");
        }
        var promptTokens = (int)(generated.Usage?.InputTokenCount ?? inputs.Sum(i => i.TokenIds.Length));
        var usage = new EmbeddingUsage { PromptTokens = promptTokens, TotalTokens = promptTokens };
        if (base64)
        {
            var items = new List<EmbeddingItem<string>>(generated.Count);
            for (var i = 0; i < generated.Count; i++)
            {
                // OpenAI's base64 is the little-endian float32 bytes of the vector.
                var bytes = MemoryMarshal.AsBytes(generated[i].Vector.Span);
                items.Add(new EmbeddingItem<string> { Index = i, Embedding = Convert.ToBase64String(bytes) });
            }
            var body = new EmbeddingResponse<string> { Data = items, Model = modelName, Usage = usage };
            await context.Response.WriteAsJsonAsync(body, OpenAiJsonContext.Default.Base64EmbeddingResponse, contentType: "application/json", cancellationToken).ConfigureAwait(false);
            return;
        }
        var floats = new List<EmbeddingItem<float[]>>(generated.Count);
        for (var i = 0; i < generated.Count; i++)
        {
            floats.Add(new EmbeddingItem<float[]> { Index = i, Embedding = generated[i].Vector.ToArray() });
        }
        var response = new EmbeddingResponse<float[]> { Data = floats, Model = modelName, Usage = usage };
        await context.Response.WriteAsJsonAsync(response, OpenAiJsonContext.Default.FloatEmbeddingResponse, contentType: "application/json", cancellationToken).ConfigureAwait(false);
    }
}
