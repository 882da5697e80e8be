using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using LlmEngine.Cli.DemoModel;
using LlmEngine.Composition;

namespace LlmEngine.Cli.Commands;

/// <summary><c>llmengine generate [MODEL] --prompt ...</c>: one request through the engine, streamed to the console.</summary>
internal static class GenerateCommand
{
    private const string DefaultPrompt = "Once upon a time";

    public static Command Create()
    {
        var model = new Argument<string?>("model") { Description = "GGUF file, Hugging Face folder, or Hugging Face repo id (org/name[:QUANT]) (default: the built-in demo model)", Arity = ArgumentArity.ZeroOrOne };
        var prompt = new Option<string>("--prompt", "-p") { Description = "The prompt text", DefaultValueFactory = _ => DefaultPrompt };
        var maxTokens = new Option<int>("--max-tokens", "-n") { Description = "Tokens to generate at most", DefaultValueFactory = _ => 128 };
        var temperature = new Option<float>("--temperature", "--temp") { Description = "Sampling temperature; 0 is greedy", DefaultValueFactory = _ => 0.8f };
        var topP = new Option<float>("--top-p") { Description = "Nucleus sampling threshold in (0, 1]", DefaultValueFactory = _ => 1f };
        var topK = new Option<int>("--top-k") { Description = "Sample from the K most likely tokens; 0 disables", DefaultValueFactory = _ => 0 };
        var seed = new Option<long?>("--seed", "-s") { Description = "Random seed for reproducible sampling" };
        var threads = new Option<int?>("--threads", "-t") { Description = "Worker threads (default: one per core)" };
        var ignoreEos = new Option<bool>("--ignore-eos") { Description = "Keep generating past the end-of-sequence token" };
        var command = new Command("generate", "Generate text from a prompt, streaming it as it is produced, then print prompt and generation speed.")
        {
            model, prompt, maxTokens, temperature, topP, topK, seed, threads, ignoreEos,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var parameters = new SamplingParameters
            {
                MaxTokens = parse.GetValue(maxTokens),
                Temperature = parse.GetValue(temperature),
                TopP = parse.GetValue(topP),
                TopK = parse.GetValue(topK),
                Seed = parse.GetValue(seed),
                IgnoreEos = parse.GetValue(ignoreEos),
            };
            var options = new LocalModelOptions
            {
                Model = await ModelArgument.ResolvePathAsync(parse.GetValue(model), Console.Error, cancellationToken).ConfigureAwait(false) ?? BuiltInModel.GetPath(),
                Engine = new LlmEngineOptions { NumThreads = parse.GetValue(threads) },
            };
            return await RunAsync(options, parse.GetValue(prompt)!, parameters, Console.Out, Console.Error, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    public static async Task<int> RunAsync(LocalModelOptions options, string prompt, SamplingParameters parameters, TextWriter output, TextWriter log, CancellationToken cancellationToken)
    {
        parameters.Validate();
        await using var local = LocalModel.Load(options);
        var inv = CultureInfo.InvariantCulture;
        log.WriteLine($"loaded {local.ModelId} ({local.Config.Architecture}, {local.Config.NumLayers} layers) in {local.LoadTime.TotalMilliseconds.ToString("F1", inv)} ms; {local.ThreadCount} threads; KV cache {local.NumKVCacheBlocks} blocks");

        var promptIds = local.Tokenizer.Encode(prompt);
        output.Write(prompt);
        var clock = Stopwatch.StartNew();
        TimeSpan firstToken = default;
        var generated = 0;
        FinishReason? finish = null;
        await foreach (var step in local.Engine.GenerateAsync(promptIds, parameters, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var completion = step.Outputs[0];
            if (generated == 0 && completion.TokenIds.Count > 0)
            {
                firstToken = clock.Elapsed;
            }
            generated = completion.NumGeneratedTokens;
            output.Write(completion.Text);
            output.Flush();
            finish = completion.FinishReason;
        }
        var total = clock.Elapsed;
        output.WriteLine();
        var promptSeconds = firstToken.TotalSeconds;
        var genSeconds = (total - firstToken).TotalSeconds;
        var promptRate = promptSeconds > 0 ? promptIds.Length / promptSeconds : 0;
        var genRate = generated > 1 && genSeconds > 0 ? (generated - 1) / genSeconds : 0;
        log.WriteLine($"prompt: {promptIds.Length} tokens in {(promptSeconds * 1000).ToString("F1", inv)} ms ({promptRate.ToString("F1", inv)} tokens/s)");
        log.WriteLine($"generation: {generated} tokens in {(total.TotalMilliseconds).ToString("F1", inv)} ms ({genRate.ToString("F1", inv)} tokens/s after the first); finish reason: {finish?.ToString() ?? "none"}");
        return 0;
    }
}
