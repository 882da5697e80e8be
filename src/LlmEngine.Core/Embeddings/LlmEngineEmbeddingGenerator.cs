using LlmEngine.Composition;
using LlmEngine.Models;
using LlmEngine.Tokenization;
using Microsoft.Extensions.AI;

namespace LlmEngine.Embeddings;

/// <summary>
/// An <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> over an in-process model: each text is tokenized (with the
/// model's special tokens: BERT's <c>[CLS]</c> ... <c>[SEP]</c>, a decoder's BOS/EOS as its tokenizer adds them), run
/// through the model with as many inputs per forward pass as fit, and its final hidden states pooled
/// (<see cref="PoolingType"/>), truncated to <see cref="EmbeddingGenerationOptions.Dimensions"/> (Matryoshka) and
/// L2-normalized. Works for BERT encoders (bge, e5, MiniLM) and for any decoder the engine loads (e5-mistral,
/// gte-Qwen: the final-norm hidden states).
/// </summary>
/// <remarks>
/// Thread-safe: concurrent calls take turns on the model's embedding pass. Every input is checked before any is run:
/// an empty or over-long text throws an <see cref="ArgumentException"/> naming its index and the limit. The generator
/// does not own the model: disposing it leaves the model loaded.
/// </remarks>
public sealed class LlmEngineEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    private const string ProviderName = "llmengine";

    private readonly EmbeddingRunner _runner;
    private readonly ITokenizer _tokenizer;
    private readonly bool _normalize;

    /// <summary>Creates a generator over a loaded model (a BERT encoder or a decoder).</summary>
    /// <param name="model">The loaded model; the generator does not own it.</param>
    /// <param name="options">Model id, pooling and normalization; defaults when null.</param>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    /// <exception cref="ModelLoadException">The model's weights cannot be bound for an embedding pass.</exception>
    public LlmEngineEmbeddingGenerator(LocalModel model, LlmEngineEmbeddingGeneratorOptions? options = null)
        : this((model ?? throw new ArgumentNullException(nameof(model))).EmbeddingRunner, model.Tokenizer, model.Config, options, model.ModelId)
    {
    }

    internal LlmEngineEmbeddingGenerator(EmbeddingRunner runner, ITokenizer tokenizer, ModelConfig config, LlmEngineEmbeddingGeneratorOptions? options, string defaultModelId)
    {
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(config);
        options ??= new LlmEngineEmbeddingGeneratorOptions();
        if (options.ModelId is not null && string.IsNullOrWhiteSpace(options.ModelId))
        {
            throw new ArgumentException("LlmEngineEmbeddingGeneratorOptions.ModelId must not be empty or whitespace when set.", nameof(options));
        }
        if (options.Pooling is { } requested && !Enum.IsDefined(requested))
        {
            throw new ArgumentOutOfRangeException(nameof(options), requested, "LlmEngineEmbeddingGeneratorOptions.Pooling is not a PoolingType value.");
        }
        _runner = runner;
        _tokenizer = tokenizer;
        _normalize = options.Normalize;
        Pooling = options.Pooling ?? config.Pooling ?? (config.IsEncoderOnly ? PoolingType.Cls : PoolingType.Last);
        ModelId = options.ModelId ?? defaultModelId;
        Metadata = new EmbeddingGeneratorMetadata(ProviderName, providerUri: null, defaultModelId: ModelId, defaultModelDimensions: Dimensions);
    }

    /// <summary>The provider name (<c>llmengine</c>), the model id and the model's embedding size.</summary>
    public EmbeddingGeneratorMetadata Metadata { get; }

    /// <summary>The model id reported with every embedding.</summary>
    public string ModelId { get; }

    /// <summary>The pooling in use.</summary>
    public PoolingType Pooling { get; }

    /// <summary>Whether vectors are L2-normalized.</summary>
    public bool Normalize => _normalize;

    /// <summary>The model's embedding size: the length of a vector when <see cref="EmbeddingGenerationOptions.Dimensions"/> is not set, and its upper bound.</summary>
    public int Dimensions => _runner.HiddenSize;

    /// <summary>The longest input in tokens (special tokens included): the model's context length, capped by the tokens one pass holds.</summary>
    public int MaxInputTokens => _runner.MaxInputTokens;

    /// <inheritdoc />
    /// <exception cref="ArgumentException">An input is null, empty or longer than <see cref="MaxInputTokens"/> (the message names its index), or <see cref="EmbeddingGenerationOptions.ModelId"/> names another model.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="EmbeddingGenerationOptions.Dimensions"/> is below 1 or above <see cref="Dimensions"/>.</exception>
    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var dimensions = CheckOptions(options);
        var inputs = Tokenize(values);
        if (inputs.Count == 0)
        {
            return new GeneratedEmbeddings<Embedding<float>> { Usage = Usage(0) };
        }
        var pooled = await _runner.PoolAsync(inputs, Pooling, cancellationToken).ConfigureAwait(false);

        var created = DateTimeOffset.UtcNow;
        var result = new GeneratedEmbeddings<Embedding<float>>(pooled.Length);
        long tokens = 0;
        for (var i = 0; i < pooled.Length; i++)
        {
            tokens += inputs[i].Length;
            result.Add(new Embedding<float>(EmbeddingPooling.Finish(pooled[i], dimensions, _normalize))
            {
                ModelId = ModelId,
                CreatedAt = created,
            });
        }
        result.Usage = Usage(tokens);
        return result;
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }
        if (serviceType == typeof(EmbeddingGeneratorMetadata))
        {
            return Metadata;
        }
        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <summary>Does nothing: the generator does not own the model.</summary>
    public void Dispose()
    {
    }

    private int CheckOptions(EmbeddingGenerationOptions? options)
    {
        if (options?.ModelId is { } requested && !string.Equals(requested, ModelId, StringComparison.Ordinal))
        {
            throw new ArgumentException($"EmbeddingGenerationOptions.ModelId is '{requested}', but this generator serves '{ModelId}'; register one generator per model (AddLlmEngine with a key).", nameof(options));
        }
        if (options?.Dimensions is not { } dimensions)
        {
            return Dimensions;
        }
        if (dimensions < 1 || dimensions > Dimensions)
        {
            throw new ArgumentOutOfRangeException(nameof(options), dimensions,
                $"EmbeddingGenerationOptions.Dimensions is {dimensions}; the model '{ModelId}' gives vectors of {Dimensions} values, so it must be between 1 and {Dimensions} (shorter vectors are truncated, Matryoshka-style, then re-normalized).");
        }
        return dimensions;
    }

    private List<int[]> Tokenize(IEnumerable<string> values)
    {
        var inputs = new List<int[]>();
        var limit = MaxInputTokens;
        var vocabulary = _runner.VocabularySize;
        foreach (var text in values)
        {
            var index = inputs.Count;
            if (text is null)
            {
                throw new ArgumentException($"Input {index} is null; every input must be a non-empty string.", nameof(values));
            }
            if (text.Length == 0)
            {
                throw new ArgumentException($"Input {index} is an empty string; every input must be a non-empty string.", nameof(values));
            }
            var ids = _tokenizer.Encode(text, addSpecialTokens: true);
            if (ids.Length == 0)
            {
                throw new ArgumentException($"Input {index} produced no tokens; it cannot be embedded.", nameof(values));
            }
            if (ids.Length > limit)
            {
                throw new ArgumentException($"Input {index} is {ids.Length} tokens long; the limit is {limit} tokens (the model's context length, capped by the tokens one embedding pass holds).", nameof(values));
            }
            foreach (var id in ids)
            {
                if ((uint)id >= (uint)vocabulary)
                {
                    throw new ArgumentException($"Input {index} tokenized to id {id}, outside the model's {vocabulary}-token embedding table; the tokenizer does not match the model.", nameof(values));
                }
            }
            inputs.Add(ids);
        }
        return inputs;
    }

    private static UsageDetails Usage(long tokens) => new() { InputTokenCount = tokens, TotalTokenCount = tokens };
}
