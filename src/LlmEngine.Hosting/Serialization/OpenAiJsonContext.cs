using System.Text.Json.Serialization;
using LlmEngine.Hosting.ChatCompletions;
using LlmEngine.Hosting.Completions;
using LlmEngine.Hosting.Embeddings;
using LlmEngine.Hosting.Errors;
using LlmEngine.Hosting.Health;
using LlmEngine.Hosting.Models;
using LlmEngine.Hosting.Sampling;
using LlmEngine.Hosting.Tokenization;

namespace LlmEngine.Hosting.Serialization;

/// <summary>
/// Source-generated serialization of every wire type: snake_case names, nulls written (OpenAI sends
/// <c>"finish_reason": null</c>), numbers strict (a quoted number is a type error), unknown fields ignored.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    NumberHandling = JsonNumberHandling.Strict,
    UseStringEnumConverter = false,
    MaxDepth = 64)]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(ChatCompletionRequest))]
[JsonSerializable(typeof(ChatCompletionResponse))]
[JsonSerializable(typeof(ChatCompletionChunk))]
[JsonSerializable(typeof(CompletionRequest))]
[JsonSerializable(typeof(CompletionResponse))]
[JsonSerializable(typeof(EmbeddingRequest))]
[JsonSerializable(typeof(EmbeddingResponse<float[]>), TypeInfoPropertyName = "FloatEmbeddingResponse")]
[JsonSerializable(typeof(EmbeddingResponse<string>), TypeInfoPropertyName = "Base64EmbeddingResponse")]
[JsonSerializable(typeof(ModelList))]
[JsonSerializable(typeof(TokenizeRequest))]
[JsonSerializable(typeof(TokenizeResponse))]
[JsonSerializable(typeof(DetokenizeRequest))]
[JsonSerializable(typeof(DetokenizeResponse))]
[JsonSerializable(typeof(VersionResponse))]
[JsonSerializable(typeof(Usage))]
internal sealed partial class OpenAiJsonContext : JsonSerializerContext;
