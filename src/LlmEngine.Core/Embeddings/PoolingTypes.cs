using LlmEngine.Models;
using LlmEngine.Models.HuggingFace;

namespace LlmEngine.Embeddings;

/// <summary>Reads the pooling a model's files declare: GGUF <c>{arch}.pooling_type</c> or sentence-transformers' <c>1_Pooling/config.json</c>.</summary>
internal static class PoolingTypes
{
    /// <summary>llama.cpp's <c>LLAMA_POOLING_TYPE_*</c> values as GGUF stores them.</summary>
    public const int GgufNone = 0, GgufMean = 1, GgufCls = 2, GgufLast = 3, GgufRank = 4;

    /// <summary>The sentence-transformers pooling folder's config, relative to the model folder.</summary>
    public static readonly string SentenceTransformersConfig = Path.Combine("1_Pooling", "config.json");

    /// <summary>The pooling of a GGUF <c>pooling_type</c> value, null for "none"; throws for rank (a reranker has no embedding).</summary>
    public static PoolingType? FromGguf(long? value, string path, string key) => value switch
    {
        null or GgufNone => null,
        GgufMean => PoolingType.Mean,
        GgufCls => PoolingType.Cls,
        GgufLast => PoolingType.Last,
        GgufRank => throw new ModelLoadException(path, $"'{key}' is 4 (rank): a reranker, which has a classification head rather than an embedding; not supported"),
        _ => throw new ModelLoadException(path, $"'{key}' is {value}; expected 0 (none), 1 (mean), 2 (cls) or 3 (last)"),
    };

    /// <summary>The GGUF <c>pooling_type</c> value of <paramref name="pooling"/>.</summary>
    public static int ToGguf(PoolingType pooling) => pooling switch
    {
        PoolingType.Mean => GgufMean,
        PoolingType.Cls => GgufCls,
        PoolingType.Last => GgufLast,
        _ => throw new ArgumentOutOfRangeException(nameof(pooling), pooling, "Not a PoolingType value."),
    };

    /// <summary>
    /// The pooling in <c>1_Pooling/config.json</c> of a sentence-transformers folder (<c>pooling_mode_cls_token</c>,
    /// <c>pooling_mode_mean_tokens</c>, <c>pooling_mode_lasttoken</c>), or null when the folder has no such file.
    /// </summary>
    public static PoolingType? FromSentenceTransformers(string modelFolder)
    {
        var path = Path.Combine(modelFolder, SentenceTransformersConfig);
        if (!File.Exists(path))
        {
            return null;
        }
        return JsonObjectReader.ReadFile(path, json =>
        {
            var chosen = new List<PoolingType>();
            if (json.Bool("pooling_mode_cls_token") == true)
            {
                chosen.Add(PoolingType.Cls);
            }
            if (json.Bool("pooling_mode_mean_tokens") == true)
            {
                chosen.Add(PoolingType.Mean);
            }
            if (json.Bool("pooling_mode_lasttoken") == true)
            {
                chosen.Add(PoolingType.Last);
            }
            foreach (var unsupported in (ReadOnlySpan<string>)["pooling_mode_max_tokens", "pooling_mode_mean_sqrt_len_tokens", "pooling_mode_weightedmean_tokens"])
            {
                if (json.Bool(unsupported) == true)
                {
                    throw json.Error(unsupported, "is true; only cls, mean and lasttoken pooling are supported");
                }
            }
            return chosen.Count switch
            {
                0 => (PoolingType?)null,
                1 => chosen[0],
                _ => throw new ModelLoadException(path, "several pooling modes are true; sentence-transformers would concatenate them, which is not supported"),
            };
        });
    }
}
