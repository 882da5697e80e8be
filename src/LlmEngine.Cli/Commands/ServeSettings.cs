namespace LlmEngine.Cli.Commands;

/// <summary>What <c>llmengine serve</c> was asked to do, read from its flags.</summary>
internal sealed record ServeSettings
{
    public string? Model { get; init; }
    public string Host { get; init; } = "0.0.0.0";
    public int Port { get; init; } = 8000;
    public IReadOnlyList<string> ApiKeys { get; init; } = [];
    public IReadOnlyList<string> ServedModelNames { get; init; } = [];
    public string? RootPath { get; init; }
    public string LogLevel { get; init; } = "info";
    public bool LogRequests { get; init; } = true;
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(30);
    public string? ChatTemplate { get; init; }
    public string ToolCallParser { get; init; } = "auto";
    public string GenerationConfig { get; init; } = "auto";
    public int? MaxModelLength { get; init; }
    public int MaxNumSeqs { get; init; } = 256;
    public int MaxNumBatchedTokens { get; init; } = 2048;
    public int BlockSize { get; init; } = 16;
    public bool EnablePrefixCaching { get; init; } = true;
    public long? Seed { get; init; }
    public int? Threads { get; init; }
    public long? KVCacheMemoryBytes { get; init; }
    public string Device { get; init; } = "auto";
    public float? GpuMemoryUtilization { get; init; }
    public int TensorParallelSize { get; init; } = 1;
    public string Dtype { get; init; } = "auto";
}
