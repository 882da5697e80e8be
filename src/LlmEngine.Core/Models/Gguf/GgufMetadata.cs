using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace LlmEngine.Models.Gguf;

/// <summary>
/// The key/value metadata of a GGUF file, with typed access to the standard keys. Values are boxed .NET values
/// (<c>uint</c>, <c>float</c>, <c>string</c>, <c>bool</c>, ...) or <see cref="GgufArray"/>.
/// </summary>
public sealed class GgufMetadata
{
    private readonly Dictionary<string, object> _values;
    private readonly Dictionary<string, GgufValueType> _types;

    /// <summary>Creates metadata from parsed entries (insertion order is kept by <see cref="Keys"/>).</summary>
    public GgufMetadata(IEnumerable<KeyValuePair<string, (GgufValueType Type, object Value)>> entries)
    {
        _values = new Dictionary<string, object>(StringComparer.Ordinal);
        _types = new Dictionary<string, GgufValueType>(StringComparer.Ordinal);
        var keys = new List<string>();
        foreach (var (key, (type, value)) in entries)
        {
            _values[key] = value;
            _types[key] = type;
            keys.Add(key);
        }
        Keys = keys;
    }

    /// <summary>All keys in file order.</summary>
    public IReadOnlyList<string> Keys { get; }

    /// <summary>Number of entries.</summary>
    public int Count => Keys.Count;

    /// <summary>Whether <paramref name="key"/> is present.</summary>
    public bool Contains(string key) => _values.ContainsKey(key);

    /// <summary>The raw value of <paramref name="key"/>.</summary>
    public bool TryGetValue(string key, [NotNullWhen(true)] out object? value) => _values.TryGetValue(key, out value);

    /// <summary>The GGUF type of <paramref name="key"/>'s value.</summary>
    public GgufValueType GetValueType(string key) => _types.TryGetValue(key, out var t)
        ? t
        : throw new KeyNotFoundException($"GGUF metadata key '{key}' is not present.");

    /// <summary>A string value, or null when absent or not a string.</summary>
    public string? GetString(string key) => _values.TryGetValue(key, out var v) ? v as string : null;

    /// <summary>An integer value of any integer type (or null), range-checked into <see cref="long"/>.</summary>
    public long? GetInteger(string key) => _values.TryGetValue(key, out var v) ? ToInteger(v) : null;

    /// <summary>A float value of any numeric type (or null).</summary>
    public double? GetFloat(string key) => _values.TryGetValue(key, out var v) ? ToFloat(v) : null;

    /// <summary>A boolean value (or null).</summary>
    public bool? GetBool(string key) => _values.TryGetValue(key, out var v) && v is bool b ? b : null;

    /// <summary>An array value (or null).</summary>
    public GgufArray? GetArray(string key) => _values.TryGetValue(key, out var v) ? v as GgufArray : null;

    /// <summary>An array value as a typed array (or null when absent or of another element type).</summary>
    public T[]? GetArray<T>(string key) => GetArray(key)?.Values as T[];

    /// <summary><c>general.architecture</c>.</summary>
    public string? Architecture => GetString("general.architecture");

    /// <summary><c>general.name</c>.</summary>
    public string? Name => GetString("general.name");

    /// <summary><c>general.alignment</c> (32 when absent).</summary>
    public long Alignment => GetInteger("general.alignment") ?? 32;

    /// <summary><c>general.file_type</c>.</summary>
    public long? FileType => GetInteger("general.file_type");

    /// <summary><c>{arch}.context_length</c>.</summary>
    public long? ContextLength => ArchInteger("context_length");

    /// <summary><c>{arch}.embedding_length</c>.</summary>
    public long? EmbeddingLength => ArchInteger("embedding_length");

    /// <summary><c>{arch}.block_count</c>.</summary>
    public long? BlockCount => ArchInteger("block_count");

    /// <summary><c>{arch}.feed_forward_length</c>.</summary>
    public long? FeedForwardLength => ArchInteger("feed_forward_length");

    /// <summary><c>{arch}.attention.head_count</c>.</summary>
    public long? HeadCount => ArchInteger("attention.head_count");

    /// <summary><c>{arch}.attention.head_count_kv</c>.</summary>
    public long? HeadCountKv => ArchInteger("attention.head_count_kv");

    /// <summary><c>{arch}.attention.key_length</c> (head size of K when it is not embedding / heads).</summary>
    public long? KeyLength => ArchInteger("attention.key_length");

    /// <summary><c>{arch}.attention.value_length</c>.</summary>
    public long? ValueLength => ArchInteger("attention.value_length");

    /// <summary><c>{arch}.attention.layer_norm_rms_epsilon</c>.</summary>
    public double? RmsNormEpsilon => ArchFloat("attention.layer_norm_rms_epsilon");

    /// <summary><c>{arch}.rope.freq_base</c>.</summary>
    public double? RopeFreqBase => ArchFloat("rope.freq_base");

    /// <summary><c>{arch}.rope.dimension_count</c>.</summary>
    public long? RopeDimensionCount => ArchInteger("rope.dimension_count");

    /// <summary><c>{arch}.rope.scaling.type</c>.</summary>
    public string? RopeScalingType => Architecture is { } a ? GetString($"{a}.rope.scaling.type") : null;

    /// <summary><c>{arch}.rope.scaling.factor</c>.</summary>
    public double? RopeScalingFactor => ArchFloat("rope.scaling.factor");

    /// <summary><c>{arch}.rope.scaling.original_context_length</c>.</summary>
    public long? RopeScalingOriginalContextLength => ArchInteger("rope.scaling.original_context_length");

    /// <summary><c>{arch}.vocab_size</c>.</summary>
    public long? VocabSize => ArchInteger("vocab_size");

    /// <summary><c>tokenizer.ggml.model</c> (llama, gpt2, bert, ...).</summary>
    public string? TokenizerModel => GetString("tokenizer.ggml.model");

    /// <summary><c>tokenizer.ggml.pre</c> (the pre-tokenizer name).</summary>
    public string? TokenizerPre => GetString("tokenizer.ggml.pre");

    /// <summary><c>tokenizer.ggml.tokens</c>.</summary>
    public string[]? Tokens => GetArray<string>("tokenizer.ggml.tokens");

    /// <summary><c>tokenizer.ggml.scores</c>.</summary>
    public float[]? TokenScores => GetArray<float>("tokenizer.ggml.scores");

    /// <summary><c>tokenizer.ggml.token_type</c>.</summary>
    public int[]? TokenTypes => GetArray<int>("tokenizer.ggml.token_type");

    /// <summary><c>tokenizer.ggml.merges</c>.</summary>
    public string[]? Merges => GetArray<string>("tokenizer.ggml.merges");

    /// <summary><c>tokenizer.ggml.bos_token_id</c>.</summary>
    public long? BosTokenId => GetInteger("tokenizer.ggml.bos_token_id");

    /// <summary><c>tokenizer.ggml.eos_token_id</c>.</summary>
    public long? EosTokenId => GetInteger("tokenizer.ggml.eos_token_id");

    /// <summary><c>tokenizer.ggml.unknown_token_id</c>.</summary>
    public long? UnknownTokenId => GetInteger("tokenizer.ggml.unknown_token_id");

    /// <summary><c>tokenizer.ggml.padding_token_id</c>.</summary>
    public long? PaddingTokenId => GetInteger("tokenizer.ggml.padding_token_id");

    /// <summary><c>tokenizer.ggml.add_bos_token</c>.</summary>
    public bool? AddBosToken => GetBool("tokenizer.ggml.add_bos_token");

    /// <summary><c>tokenizer.ggml.add_eos_token</c>.</summary>
    public bool? AddEosToken => GetBool("tokenizer.ggml.add_eos_token");

    /// <summary><c>tokenizer.chat_template</c>.</summary>
    public string? ChatTemplate => GetString("tokenizer.chat_template");

    /// <summary>A named chat template, <c>tokenizer.chat_template.{name}</c> (for example <c>tool_use</c>).</summary>
    public string? GetNamedChatTemplate(string name) => GetString("tokenizer.chat_template." + name);

    /// <summary>An integer under the architecture's prefix: <c>{arch}.{suffix}</c>.</summary>
    public long? ArchInteger(string suffix) => Architecture is { } a ? GetInteger($"{a}.{suffix}") : null;

    /// <summary>A float under the architecture's prefix: <c>{arch}.{suffix}</c>.</summary>
    public double? ArchFloat(string suffix) => Architecture is { } a ? GetFloat($"{a}.{suffix}") : null;

    private static long? ToInteger(object v) => v switch
    {
        byte x => x,
        sbyte x => x,
        ushort x => x,
        short x => x,
        uint x => x,
        int x => x,
        ulong x => x <= long.MaxValue ? (long)x : null,
        long x => x,
        _ => null,
    };

    private static double? ToFloat(object v) => v switch
    {
        float x => x,
        double x => x,
        string => null,
        bool => null,
        GgufArray => null,
        _ => ToInteger(v) is { } i ? Convert.ToDouble(i, CultureInfo.InvariantCulture) : null,
    };
}
