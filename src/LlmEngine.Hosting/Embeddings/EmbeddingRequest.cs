using System.Text.Json;

namespace LlmEngine.Hosting.Embeddings;

/// <summary>The body of <c>POST /v1/embeddings</c>.</summary>
internal sealed class EmbeddingRequest
{
    public string? Model { get; set; }

    /// <summary>A string, an array of strings, an array of token ids, or an array of arrays of token ids.</summary>
    public JsonElement Input { get; set; }

    /// <summary><c>float</c> (default) or <c>base64</c> (little-endian float32 bytes).</summary>
    public string? EncodingFormat { get; set; }

    public int? Dimensions { get; set; }

    public string? User { get; set; }
}
