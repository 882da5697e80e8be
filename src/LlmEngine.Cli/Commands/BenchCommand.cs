using System.CommandLine;
using System.Text.Json.Nodes;
using LlmEngine.Cli.Benchmarking;
using LlmEngine.Composition;
using LlmEngine.Sampling.Constraints;
using LlmEngine.Tokenization;

namespace LlmEngine.Cli.Commands;

/// <summary>
/// <c>llmengine bench latency|throughput|serve</c>: vLLM's three benchmark scripts for this engine, each figure also
/// given as a share of what this machine's memory bandwidth or FMA peak allows.
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var bench = new Command("bench", "Measure prompt and generation speed (latency), aggregate throughput, or a running server (serve).");
        bench.Subcommands.Add(CreateLatency());
        bench.Subcommands.Add(CreateThroughput());
        bench.Subcommands.Add(CreateServe());
        return bench;
    }

    private static Command CreateLatency()
    {
        var common = new BenchOptions();
        var runs = new Option<int>("--runs", "-r") { Description = "Timed runs (after the warm-up)", DefaultValueFactory = _ => 3 };
        var warmup = new Option<int>("--warmup") { Description = "Untimed runs first", DefaultValueFactory = _ => 1 };
        var command = new Command("latency", "One request at a time: prompt tokens/s and generation tokens/s, best and median of the runs.") { runs, warmup };
        common.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (Invalid(common.Validate(parse)) is { } code)
            {
                return code;
            }
            var p = parse.GetValue(common.PromptTokens);
            var g = parse.GetValue(common.GenTokens);
            var limits = Probe(parse, common);
            var model = await ModelArgument.ResolvePathAsync(parse.GetValue(common.Model), Console.Error, cancellationToken).ConfigureAwait(false);
            await using var local = LocalModel.Load(BenchModel.Options(model!, parse.GetValue(common.Threads), p + g, 1));
            var cost = ModelCost.Of(local.Model.Tensors, local.Config);
            var prompt = BenchModel.Prompts(local, 1, p, parse.GetValue(common.Seed))[0];
            var result = await LatencyBenchmark.RunAsync(local.Engine, prompt, g, Math.Max(1, parse.GetValue(runs)), Math.Max(0, parse.GetValue(warmup)),
                cancellationToken).ConfigureAwait(false);
            var threadCount = local.ThreadCount;
            var promptRate = new Figure(result.BestPromptTokensPerSecond, result.MedianPromptTokensPerSecond,
                threadCount * result.Best(r => r.PromptTokensPerCpuSecond), limits is null ? default : Scale(limits.Flops, cost.PromptLimit(p, 1)));
            var genRate = new Figure(result.BestGenerationTokensPerSecond, result.MedianGenerationTokensPerSecond,
                threadCount * result.Best(r => r.GenerationTokensPerCpuSecond), limits is null ? default : Scale(limits.Bandwidth, cost.GenerationLimit(1)));
            if (parse.GetValue(common.Json))
            {
                var json = Header("latency", local, cost, limits, p, g);
                json["runs"] = result.Runs.Count;
                json["prompt_tokens_per_s"] = promptRate.ToJson();
                json["generation_tokens_per_s"] = genRate.ToJson();
                json["median_ttft_ms"] = BenchFormat.Json(result.MedianTimeToFirstTokenSeconds * 1000);
                Console.Out.WriteLine(json.ToJsonString());
                return 0;
            }
            PrintHeader(local, cost, limits);
            Console.Out.WriteLine($"latency: prompt {p} tokens, generate {g}, {result.Runs.Count} runs after {parse.GetValue(warmup)} warm-up");
            Console.Out.WriteLine($"  prompt:     {promptRate.Describe("FMA")}");
            Console.Out.WriteLine($"  generation: {genRate.Describe("bandwidth")}");
            Console.Out.WriteLine($"  time to first token: median {BenchFormat.Milliseconds(result.MedianTimeToFirstTokenSeconds)} ms");
            return 0;
        });
        return command;
    }

    private static Command CreateThroughput()
    {
        var common = new BenchOptions();
        var requests = new Option<int>("--requests", "-n") { Description = "Requests submitted at once", DefaultValueFactory = _ => 16 };
        var runs = new Option<int>("--runs", "-r") { Description = "Timed runs (after one short warm-up request)", DefaultValueFactory = _ => 1 };
        var constraint = new Option<string?>("--constraint")
        {
            Description = "Also run the batch under a constraint (json-object, json-schema:FILE, regex:PATTERN, choice:A|B, gbnf:FILE) and report constrained / unconstrained",
        };
        var command = new Command("throughput", "N requests submitted at once: aggregate tokens/s and requests/s.") { requests, runs, constraint };
        common.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (Invalid(common.Validate(parse)) is { } code)
            {
                return code;
            }
            var n = Math.Max(1, parse.GetValue(requests));
            var p = parse.GetValue(common.PromptTokens);
            var g = parse.GetValue(common.GenTokens);
            ConstraintSpec? spec;
            try
            {
                spec = ConstraintComparison.Parse(parse.GetValue(constraint));
            }
            catch (ArgumentException error)
            {
                return Invalid(error.Message) ?? 2;
            }
            var limits = Probe(parse, common);
            var model = await ModelArgument.ResolvePathAsync(parse.GetValue(common.Model), Console.Error, cancellationToken).ConfigureAwait(false);
            await using var local = LocalModel.Load(BenchModel.Options(model!, parse.GetValue(common.Threads), p + g, n));
            var cost = ModelCost.Of(local.Model.Tensors, local.Config);
            var seed = parse.GetValue(common.Seed);
            await LatencyBenchmark.RunOnceAsync(local.Engine, BenchModel.Prompts(local, 1, Math.Min(p, 16), seed - 1)[0], 2, cancellationToken).ConfigureAwait(false);
            if (spec is not null)
            {
                var figures = await ConstraintComparison.RunAsync(local, spec, n, p, g, Math.Max(1, parse.GetValue(runs)), seed, cancellationToken).ConfigureAwait(false);
                if (parse.GetValue(common.Json))
                {
                    Console.Out.WriteLine(figures.ToJsonString());
                    return 0;
                }
                PrintHeader(local, cost, limits);
                ConstraintComparison.Write(Console.Out, figures);
                return 0;
            }
            var results = new List<ThroughputResult>();
            for (var r = 0; r < Math.Max(1, parse.GetValue(runs)); r++)
            {
                results.Add(await ThroughputBenchmark.RunAsync(local.Engine, BenchModel.Prompts(local, n, p, seed + (r * n)), g, cancellationToken).ConfigureAwait(false));
            }
            var generation = new List<double>();
            var generationCpu = new List<double>();
            var total = new List<double>();
            var perSecond = new List<double>();
            var ttft = new List<double>();
            foreach (var result in results)
            {
                generation.Add(result.GenerationTokensPerSecond);
                generationCpu.Add(result.GenerationTokensPerCpuSecond * local.ThreadCount);
                total.Add(result.TotalTokensPerSecond);
                perSecond.Add(result.RequestsPerSecond);
                ttft.AddRange(result.TimesToFirstToken);
            }
            if (parse.GetValue(common.Json))
            {
                var json = Header("throughput", local, cost, limits, p, g);
                json["requests"] = n;
                json["runs"] = results.Count;
                json["generation_tokens_per_s"] = new Figure(Percentiles.Max(generation), Percentiles.Median(generation), Percentiles.Max(generationCpu), default).ToJson();
                json["total_tokens_per_s"] = new Figure(Percentiles.Max(total), Percentiles.Median(total), double.NaN, default).ToJson();
                json["requests_per_s"] = new Figure(Percentiles.Max(perSecond), Percentiles.Median(perSecond), double.NaN, default).ToJson();
                json["ttft_ms"] = BenchFormat.MillisecondQuantiles(ttft);
                Console.Out.WriteLine(json.ToJsonString());
                return 0;
            }
            PrintHeader(local, cost, limits);
            Console.Out.WriteLine($"throughput: {n} requests at once, prompt {p} tokens, generate {g} each, {results.Count} run(s)");
            Console.Out.WriteLine($"  generation: best {BenchFormat.Number(Percentiles.Max(generation))} tok/s, median {BenchFormat.Number(Percentiles.Median(generation))} tok/s (aggregate); CPU-time estimate {BenchFormat.Number(Percentiles.Max(generationCpu))} tok/s");
            Console.Out.WriteLine($"  total (prompt + generation): best {BenchFormat.Number(Percentiles.Max(total))} tok/s");
            Console.Out.WriteLine($"  requests: best {BenchFormat.Number(Percentiles.Max(perSecond), 3)} req/s");
            Console.Out.WriteLine($"  time to first token: p50 {BenchFormat.Milliseconds(Percentiles.Median(ttft))} ms, p99 {BenchFormat.Milliseconds(Percentiles.Of(ttft, 99))} ms");
            return 0;
        });
        return command;
    }

    private static Command CreateServe()
    {
        var model = new Option<string>("--model", "-m") { Description = "GGUF file or Hugging Face folder whose vocabulary the prompts are drawn from", Required = true };
        var url = new Option<string>("--url") { Description = "Base URL of an OpenAI-compatible server", DefaultValueFactory = _ => "http://127.0.0.1:8000" };
        var servedName = new Option<string?>("--served-model-name") { Description = "The model name to send (default: the first of GET /v1/models)" };
        var requests = new Option<int>("--requests", "-n") { Description = "Requests to send", DefaultValueFactory = _ => 32 };
        var rate = new Option<double>("--rate") { Description = "Requests per second (Poisson arrivals); inf sends all at once", DefaultValueFactory = _ => double.PositiveInfinity };
        var p = new Option<int>("--prompt-tokens", "-p") { Description = "Prompt length in tokens", DefaultValueFactory = _ => 512 };
        var g = new Option<int>("--gen-tokens", "-g") { Description = "Tokens to generate per request", DefaultValueFactory = _ => 128 };
        var seed = new Option<int>("--seed") { Description = "Seed of the prompts and arrival times", DefaultValueFactory = _ => 0 };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of the text report" };
        var command = new Command("serve", "Stream /v1/completions from a running server at a request rate: TTFT, TPOT and ITL p50/p99.")
        {
            model, url, servedName, requests, rate, p, g, seed, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(rate) <= 0 || parse.GetValue(requests) < 1 || parse.GetValue(p) < 1 || parse.GetValue(g) < 1)
            {
                return Invalid("--rate must be positive; --requests, --prompt-tokens and --gen-tokens at least 1") ?? 2;
            }
            var tokenizer = LoadTokenizer((await ModelArgument.ResolvePathAsync(parse.GetValue(model), Console.Error, cancellationToken).ConfigureAwait(false))!);
            var prompts = new int[parse.GetValue(requests)][];
            for (var i = 0; i < prompts.Length; i++)
            {
                prompts[i] = RandomPrompt.Create(tokenizer, parse.GetValue(p), parse.GetValue(seed) + i);
            }
            var baseUrl = ServeBenchmark.NormalizeBaseUrl(parse.GetValue(url)!);
            using var client = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
            var name = parse.GetValue(servedName) ?? await ServeBenchmark.GetServedModelAsync(client, baseUrl, cancellationToken).ConfigureAwait(false);
            var result = await ServeBenchmark.RunAsync(client, baseUrl, name, prompts, parse.GetValue(g), parse.GetValue(rate), parse.GetValue(seed), cancellationToken)
                .ConfigureAwait(false);
            ServeReport.Write(Console.Out, result, name, baseUrl, parse.GetValue(rate), parse.GetValue(p), parse.GetValue(g), parse.GetValue(json));
            return result.Completed > 0 ? 0 : 1;
        });
        return command;
    }

    private static ITokenizer LoadTokenizer(string model)
    {
        if (Directory.Exists(model))
        {
            var tokenizerJson = Path.Combine(model, "tokenizer.json");
            var config = Path.Combine(model, "tokenizer_config.json");
            return TokenizerFactory.FromHuggingFace(tokenizerJson, File.Exists(config) ? config : null);
        }
        return TokenizerFactory.FromGguf(model);
    }

    private static MachineLimits? Probe(ParseResult parse, BenchOptions common) =>
        parse.GetValue(common.NoProbe) ? null : MachineLimits.Measure(parse.GetValue(common.Threads) ?? Environment.ProcessorCount);

    private static int? Invalid(string? error)
    {
        if (error is null)
        {
            return null;
        }
        Console.Error.WriteLine("error: " + error);
        return 2;
    }

    private static JsonObject Header(string mode, LocalModel local, ModelCost cost, MachineLimits? limits, int promptTokens, int genTokens) => new()
    {
        ["mode"] = mode,
        ["model"] = local.ModelId,
        ["architecture"] = local.Config.Architecture,
        ["weight_type"] = cost.WeightType.ToString(),
        ["weight_bytes_per_token"] = cost.WeightBytesPerToken,
        ["threads"] = local.ThreadCount,
        ["load_ms"] = BenchFormat.Json(local.LoadTime.TotalMilliseconds),
        ["prompt_tokens"] = promptTokens,
        ["gen_tokens"] = genTokens,
        ["bandwidth_gb_per_s"] = limits is null ? null : BenchFormat.Json(limits.Bandwidth.Wall / 1e9),
        ["bandwidth_gb_per_s_cpu_time"] = limits is null ? null : BenchFormat.Json(limits.Bandwidth.Cpu / 1e9),
        ["fp32_gflop_per_s"] = limits is null ? null : BenchFormat.Json(limits.Flops.Wall / 1e9),
        ["fp32_gflop_per_s_cpu_time"] = limits is null ? null : BenchFormat.Json(limits.Flops.Cpu / 1e9),
    };

    private static void PrintHeader(LocalModel local, ModelCost cost, MachineLimits? limits)
    {
        Console.Out.WriteLine($"model: {local.ModelId} ({local.Config.Architecture}, {cost.WeightType}, {BenchFormat.Number(cost.WeightBytesPerToken / 1e6)} MB of weights per token), "
            + $"{local.ThreadCount} threads, loaded in {BenchFormat.Number(local.LoadTime.TotalMilliseconds)} ms");
        if (limits is not null)
        {
            Console.Out.WriteLine($"machine ({limits.Threads} threads): read bandwidth {BenchFormat.Number(limits.Bandwidth.Wall / 1e9)} GB/s "
                + $"({BenchFormat.Number(limits.Bandwidth.Cpu / 1e9)} by CPU time), FP32 FMA peak {BenchFormat.Number(limits.Flops.Wall / 1e9, 0)} GFLOP/s "
                + $"({BenchFormat.Number(limits.Flops.Cpu / 1e9, 0)} by CPU time)");
        }
    }

    /// <summary>A machine rate turned into a token rate: <paramref name="tokensPerUnit"/> tokens per byte or per FLOP.</summary>
    private static ProbeRate Scale(ProbeRate rate, double tokensPerUnit) => new(rate.Wall * tokensPerUnit, rate.Cpu * tokensPerUnit);
}
