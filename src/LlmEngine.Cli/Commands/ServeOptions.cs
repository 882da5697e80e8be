using System.CommandLine;
using System.Globalization;

namespace LlmEngine.Cli.Commands;

/// <summary>
/// The flags of <c>llmengine serve</c>, with <c>vllm serve</c>'s names and defaults, grouped in <c>--help</c> by what
/// they set (server, model, engine, device). Parsed into <see cref="ServeSettings"/>.
/// </summary>
internal sealed class ServeOptions
{
    public Argument<string?> Model { get; } = new("model") { Description = "GGUF file, Hugging Face folder, or Hugging Face repo id (org/name, org/name:Q4_K_M; downloaded into the Hugging Face cache) (default: the built-in demo model, stories260K)", Arity = ArgumentArity.ZeroOrOne };
    public Option<string?> ModelOption { get; } = new("--model") { Description = "[model] The model, as the positional argument (vLLM's older api_server habit)" };

    public Option<string> Host { get; } = new("--host") { Description = "[server] Address to listen on", DefaultValueFactory = _ => "0.0.0.0" };
    public Option<int> Port { get; } = new("--port") { Description = "[server] Port to listen on (0 picks a free one)", DefaultValueFactory = _ => 8000 };
    public Option<string[]> ApiKey { get; } = new("--api-key") { Description = "[server] Key clients must send as 'Authorization: Bearer KEY' on /v1/* (repeatable; also LLMENGINE_API_KEY)", AllowMultipleArgumentsPerToken = false };
    public Option<string[]> ServedModelName { get; } = new("--served-model-name") { Description = "[server] Model name(s) clients send in 'model' (default: the file or folder name)", AllowMultipleArgumentsPerToken = true };
    public Option<string?> RootPath { get; } = new("--root-path") { Description = "[server] Path prefix of every endpoint, such as /llm" };
    public Option<string> LogLevel { get; } = new("--log-level", "--uvicorn-log-level") { Description = "[server] debug, info, warning, error or critical", DefaultValueFactory = _ => "info" };
    public Option<bool> DisableLogRequests { get; } = new("--disable-log-requests") { Description = "[server] Do not log each request" };
    public Option<int> ShutdownTimeout { get; } = new("--shutdown-timeout") { Description = "[server] Seconds running requests may take to finish after SIGTERM or Ctrl+C", DefaultValueFactory = _ => 30 };

    public Option<string?> ChatTemplate { get; } = new("--chat-template") { Description = "[model] Chat template: a .jinja file or the template text (default: the model's own)" };
    public Option<string> ToolCallParser { get; } = new("--tool-call-parser") { Description = "[model] auto (from the chat template), hermes, llama3_json, mistral, json or none", DefaultValueFactory = _ => "auto" };
    public Option<string> GenerationConfig { get; } = new("--generation-config") { Description = "[model] auto (sampling defaults from the model's generation_config.json) or vllm (OpenAI's defaults)", DefaultValueFactory = _ => "auto" };
    public Option<int?> MaxModelLen { get; } = new("--max-model-len") { Description = "[model] Longest sequence (prompt + output) in tokens (default: the model's context, or what the KV cache holds)" };

    public Option<int> MaxNumSeqs { get; } = new("--max-num-seqs") { Description = "[engine] Most requests running at once", DefaultValueFactory = _ => 256 };
    public Option<int> MaxNumBatchedTokens { get; } = new("--max-num-batched-tokens") { Description = "[engine] Token budget of one engine step", DefaultValueFactory = _ => 2048 };
    public Option<int> BlockSize { get; } = new("--block-size") { Description = "[engine] Tokens per KV-cache block", DefaultValueFactory = _ => 16 };
    public Option<bool> EnablePrefixCaching { get; } = new("--enable-prefix-caching") { Description = "[engine] Share KV blocks between requests with the same prefix (default: on)" };
    public Option<bool> NoEnablePrefixCaching { get; } = new("--no-enable-prefix-caching") { Description = "[engine] Turn prefix caching off" };
    public Option<long?> Seed { get; } = new("--seed") { Description = "[engine] Seed that makes requests without their own seed reproducible" };
    public Option<int?> Threads { get; } = new("--threads", "-t") { Description = "[engine] CPU worker threads (default: one per core)" };
    public Option<string?> KVCacheMemory { get; } = new("--kv-cache-memory") { Description = "[engine] KV-cache memory on CPU, such as 2GiB or 512MiB (default: 4 GiB, capped by need)" };

    public Option<string> Device { get; } = new("--device") { Description = "[device] auto, cpu or cuda", DefaultValueFactory = _ => "auto" };
    public Option<float> GpuMemoryUtilization { get; } = new("--gpu-memory-utilization") { Description = "[device] Fraction of GPU memory for weights and KV cache (GPU only)", DefaultValueFactory = _ => 0.9f };
    public Option<int> TensorParallelSize { get; } = new("--tensor-parallel-size", "-tp") { Description = "[device] GPUs to shard the model over (GPU only)", DefaultValueFactory = _ => 1 };
    public Option<string> Dtype { get; } = new("--dtype") { Description = "[device] auto, float32, float16 or bfloat16 (GPU only; the CPU computes in float32)", DefaultValueFactory = _ => "auto" };

    public IEnumerable<Symbol> All =>
    [
        Model, ModelOption, Host, Port, ApiKey, ServedModelName, RootPath, LogLevel, DisableLogRequests, ShutdownTimeout,
        ChatTemplate, ToolCallParser, GenerationConfig, MaxModelLen,
        MaxNumSeqs, MaxNumBatchedTokens, BlockSize, EnablePrefixCaching, NoEnablePrefixCaching, Seed, Threads, KVCacheMemory,
        Device, GpuMemoryUtilization, TensorParallelSize, Dtype,
    ];

    /// <summary>Reads the parsed flags; a bad value throws an <see cref="ArgumentException"/> naming the flag.</summary>
    public ServeSettings Read(ParseResult parse)
    {
        var positional = parse.GetValue(Model);
        var named = parse.GetValue(ModelOption);
        if (positional is not null && named is not null && positional != named)
        {
            throw new ArgumentException($"The model is given twice ('{positional}' and --model '{named}'); give it once.");
        }
        if (parse.GetValue(EnablePrefixCaching) && parse.GetValue(NoEnablePrefixCaching))
        {
            throw new ArgumentException("--enable-prefix-caching and --no-enable-prefix-caching contradict each other.");
        }
        var keys = parse.GetValue(ApiKey) ?? [];
        if (keys.Length == 0 && Environment.GetEnvironmentVariable("LLMENGINE_API_KEY") is { Length: > 0 } fromEnvironment)
        {
            keys = [fromEnvironment];
        }
        return new ServeSettings
        {
            Model = positional ?? named,
            Host = parse.GetValue(Host)!,
            Port = Check(parse.GetValue(Port), p => p is >= 0 and <= 65535, "--port", "must be in [0, 65535]"),
            ApiKeys = keys,
            ServedModelNames = parse.GetValue(ServedModelName) ?? [],
            RootPath = parse.GetValue(RootPath),
            LogLevel = Choice(parse.GetValue(LogLevel)!, "--log-level", "trace", "debug", "info", "warning", "error", "critical"),
            LogRequests = !parse.GetValue(DisableLogRequests),
            ShutdownTimeout = TimeSpan.FromSeconds(Check(parse.GetValue(ShutdownTimeout), s => s >= 0, "--shutdown-timeout", "must be at least 0")),
            ChatTemplate = parse.GetValue(ChatTemplate),
            ToolCallParser = Choice(parse.GetValue(ToolCallParser)!, "--tool-call-parser", "auto", "hermes", "llama3_json", "mistral", "json", "none"),
            GenerationConfig = Choice(parse.GetValue(GenerationConfig)!, "--generation-config", "auto", "vllm"),
            MaxModelLength = parse.GetValue(MaxModelLen),
            MaxNumSeqs = parse.GetValue(MaxNumSeqs),
            MaxNumBatchedTokens = parse.GetValue(MaxNumBatchedTokens),
            BlockSize = parse.GetValue(BlockSize),
            EnablePrefixCaching = !parse.GetValue(NoEnablePrefixCaching),
            Seed = parse.GetValue(Seed),
            Threads = parse.GetValue(Threads),
            KVCacheMemoryBytes = parse.GetValue(KVCacheMemory) is { } memory ? ParseBytes(memory) : null,
            Device = Choice(parse.GetValue(Device)!, "--device", "auto", "cpu", "cuda"),
            GpuMemoryUtilization = parse.GetResult(GpuMemoryUtilization) is { Implicit: false } ? parse.GetValue(GpuMemoryUtilization) : null,
            TensorParallelSize = parse.GetValue(TensorParallelSize),
            Dtype = Choice(parse.GetValue(Dtype)!, "--dtype", "auto", "float32", "float16", "half", "bfloat16"),
        };
    }

    /// <summary>A byte count: a plain number, or one with a KiB/MiB/GiB (or K/M/G, KB/MB/GB) suffix.</summary>
    public static long ParseBytes(string text)
    {
        var trimmed = text.Trim();
        var split = trimmed.Length;
        while (split > 0 && char.IsLetter(trimmed[split - 1]))
        {
            split--;
        }
        var unit = trimmed[split..].ToUpperInvariant();
        long scale = unit switch
        {
            "" or "B" => 1,
            "K" or "KB" or "KIB" => 1L << 10,
            "M" or "MB" or "MIB" => 1L << 20,
            "G" or "GB" or "GIB" => 1L << 30,
            "T" or "TB" or "TIB" => 1L << 40,
            _ => 0,
        };
        if (scale == 0 || !double.TryParse(trimmed[..split], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value <= 0)
        {
            throw new ArgumentException($"--kv-cache-memory '{text}' is not a size; use a byte count or a number with KiB, MiB or GiB, such as 2GiB.");
        }
        return (long)(value * scale);
    }

    private static int Check(int value, Func<int, bool> valid, string flag, string rule) =>
        valid(value) ? value : throw new ArgumentException($"{flag} {rule}; got {value}.");

    private static string Choice(string value, string flag, params string[] allowed) =>
        allowed.Contains(value, StringComparer.OrdinalIgnoreCase) ? value.ToLowerInvariant()
            : throw new ArgumentException($"{flag} must be one of {string.Join(", ", allowed)}; got '{value}'.");
}
