namespace LlmEngine.Peers;

/// <summary>What one comparison runs: the same for both engines.</summary>
/// <param name="Threads">Threads for both engines.</param>
/// <param name="PromptTokens">Prompt length of every request.</param>
/// <param name="GenTokens">Tokens generated per request.</param>
/// <param name="Runs">Timed latency runs per engine, interleaved (after one warm-up each).</param>
/// <param name="Requests">Concurrent requests of the throughput figure; 0 skips it.</param>
/// <param name="Seed">Seed of the prompts.</param>
internal sealed record ComparisonSettings(int Threads, int PromptTokens, int GenTokens, int Runs, int Requests, int Seed);
