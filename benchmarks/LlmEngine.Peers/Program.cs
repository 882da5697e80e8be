using System.CommandLine;
using LlmEngine.Cli.Benchmarking;
using LlmEngine.Peers;

var models = new Option<string[]>("--model", "-m") { Description = "GGUF files to compare (repeat the option for several)", Required = true, AllowMultipleArgumentsPerToken = true };
var threads = new Option<int>("--threads", "-t") { Description = "Threads for both engines", DefaultValueFactory = _ => 2 };
var promptTokens = new Option<int>("--prompt-tokens", "-p") { Description = "Prompt length (random token ids, seeded, the same for both)", DefaultValueFactory = _ => 512 };
var genTokens = new Option<int>("--gen-tokens", "-g") { Description = "Tokens generated per request", DefaultValueFactory = _ => 128 };
var runs = new Option<int>("--runs", "-r") { Description = "Timed latency runs per engine, interleaved, after one warm-up", DefaultValueFactory = _ => 3 };
var requests = new Option<int>("--requests", "-n") { Description = "Concurrent requests of the throughput figure; 0 skips it", DefaultValueFactory = _ => 16 };
var seed = new Option<int>("--seed") { Description = "Seed of the prompts", DefaultValueFactory = _ => 0 };
var json = new Option<bool>("--json") { Description = "Print JSON instead of the Markdown table" };
var noProbe = new Option<bool>("--no-probe") { Description = "Skip the bandwidth and FMA probes" };
var root = new RootCommand("Compare LlmEngine with llama.cpp (LLamaSharp 0.30.0, CPU backend) on the same GGUF, threads and prompt tokens, in one process.")
{
    models, threads, promptTokens, genTokens, runs, requests, seed, json, noProbe,
};
root.SetAction(async (parse, cancellationToken) =>
{
    var settings = new ComparisonSettings(parse.GetValue(threads), parse.GetValue(promptTokens), parse.GetValue(genTokens),
        Math.Max(1, parse.GetValue(runs)), Math.Max(0, parse.GetValue(requests)), parse.GetValue(seed));
    if (settings.Threads < 1 || settings.PromptTokens < 1 || settings.GenTokens < 2)
    {
        Console.Error.WriteLine("error: --threads and --prompt-tokens must be at least 1, --gen-tokens at least 2");
        return 2;
    }
    LlamaSharpPeer.QuietNativeLog();
    var log = Console.Error;
    log.WriteLine($"llama.cpp: {LlamaSharpPeer.SystemInfo()}");
    var limits = parse.GetValue(noProbe) ? null : MachineLimits.Measure(settings.Threads);
    if (limits is not null)
    {
        log.WriteLine($"machine ({settings.Threads} threads): read bandwidth {limits.Bandwidth.Wall / 1e9:F1} GB/s ({limits.Bandwidth.Cpu / 1e9:F1} by CPU time), "
            + $"FP32 FMA peak {limits.Flops.Wall / 1e9:F0} GFLOP/s ({limits.Flops.Cpu / 1e9:F0} by CPU time)");
    }
    var rows = new List<ComparisonRow>();
    foreach (var model in parse.GetValue(models)!)
    {
        rows.AddRange(await PeerComparison.RunAsync(model, settings, limits, log, cancellationToken).ConfigureAwait(false));
    }
    if (parse.GetValue(json))
    {
        ComparisonTable.WriteJson(Console.Out, rows, limits);
    }
    else
    {
        ComparisonTable.WriteMarkdown(Console.Out, rows);
    }
    return 0;
});
return await root.Parse(args).InvokeAsync();
