using LlmEngine.Models;

namespace LlmEngine.Cli.Benchmarking;

/// <summary>
/// What one token costs a dense transformer: the weight bytes a decode step must read and the arithmetic a prompt
/// token needs. Only the embedding row of each token is read, unless the embedding doubles as the output head.
/// </summary>
/// <param name="WeightBytesPerToken">Bytes of weights read by one decode step (KV-cache reads excluded).</param>
/// <param name="BodyParameters">Elements of the matrices every token multiplies (attention projections and MLP).</param>
/// <param name="HeadParameters">Elements of the output head, which a prompt needs for its last token only.</param>
/// <param name="AttentionWidth">Layers × query heads × head size: what attention costs per token per position attended.</param>
/// <param name="WeightType">The type holding most of the matrix bytes (the file's quantization).</param>
internal sealed record ModelCost(long WeightBytesPerToken, long BodyParameters, long HeadParameters, long AttentionWidth, GgmlType WeightType)
{
    private const string Embedding = "token_embd.weight";
    private const string OutputHead = "output.weight";

    /// <summary>Reads the cost from the tensors of a loaded model.</summary>
    public static ModelCost Of(ITensorSource tensors, ModelConfig config)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(config);
        var tiedHead = !tensors.TryGetTensor(OutputHead, out _);
        long bytes = 0;
        long body = 0;
        long head = 0;
        var bytesByType = new Dictionary<GgmlType, long>();
        foreach (var name in tensors.TensorNames)
        {
            if (!tensors.TryGetTensor(name, out var tensor))
            {
                continue;
            }
            var isEmbedding = name == Embedding;
            if (isEmbedding && !tiedHead)
            {
                bytes += tensor.RowBytes;
                continue;
            }
            bytes += tensor.ByteLength;
            if (tensor.Shape.Length >= 2)
            {
                if (name == OutputHead || isEmbedding)
                {
                    head += tensor.ElementCount;
                }
                else
                {
                    body += tensor.ElementCount;
                }
                bytesByType[tensor.Type] = bytesByType.GetValueOrDefault(tensor.Type) + tensor.ByteLength;
            }
        }
        var dominant = GgmlType.F32;
        long most = -1;
        foreach (var (type, typeBytes) in bytesByType)
        {
            if (typeBytes > most)
            {
                (dominant, most) = (type, typeBytes);
            }
        }
        return new ModelCost(bytes, body, head, (long)config.NumLayers * config.NumHeads * config.HeadDim, dominant);
    }

    /// <summary>The decode rate memory bandwidth allows: every weight byte read once per token.</summary>
    public double GenerationLimit(double bytesPerSecond) => bytesPerSecond / WeightBytesPerToken;

    /// <summary>
    /// FLOPs of a prompt of <paramref name="promptTokens"/> tokens: two per matrix element per token, plus QKᵀ and the
    /// weighted sum of V over the causal prefix (on average half the prompt), plus the output head for the last token.
    /// </summary>
    public double PromptFlops(int promptTokens) =>
        promptTokens * (2.0 * BodyParameters + 4.0 * AttentionWidth * ((promptTokens + 1) / 2.0)) + 2.0 * HeadParameters;

    /// <summary>The prompt rate the arithmetic peak allows, in tokens per second.</summary>
    public double PromptLimit(int promptTokens, double flopsPerSecond) => flopsPerSecond * promptTokens / PromptFlops(promptTokens);
}
