using System.CommandLine;

namespace LlmEngine.Cli.Benchmarking;

/// <summary>The options every <c>llmengine bench</c> mode shares, created once per mode and read back from its parse result.</summary>
internal sealed class BenchOptions
{
    public Option<string> Model { get; } = new("--model", "-m") { Description = "GGUF file, Hugging Face folder or repo id (org/name[:QUANT]) (serve: used for its vocabulary)", Required = true };

    public Option<int?> Threads { get; } = new("--threads", "-t") { Description = "Worker threads (default: one per core)" };

    public Option<int> PromptTokens { get; } = new("--prompt-tokens", "-p") { Description = "Prompt length in tokens (random ids, seeded)", DefaultValueFactory = _ => 512 };

    public Option<int> GenTokens { get; } = new("--gen-tokens", "-g") { Description = "Tokens to generate per request (greedy, past EOS)", DefaultValueFactory = _ => 128 };

    public Option<int> Seed { get; } = new("--seed") { Description = "Seed of the prompts (and of the arrival times in serve)", DefaultValueFactory = _ => 0 };

    public Option<bool> Json { get; } = new("--json") { Description = "Print one JSON object instead of the text report" };

    public Option<bool> NoProbe { get; } = new("--no-probe") { Description = "Skip the bandwidth and FMA probes (no % of limit)" };

    /// <summary>Adds the shared options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(Model);
        command.Options.Add(Threads);
        command.Options.Add(PromptTokens);
        command.Options.Add(GenTokens);
        command.Options.Add(Seed);
        command.Options.Add(Json);
        command.Options.Add(NoProbe);
    }

    /// <summary>Checks the lengths, returning an error message or null.</summary>
    public string? Validate(ParseResult parse)
    {
        if (parse.GetValue(PromptTokens) < 1)
        {
            return "--prompt-tokens must be at least 1";
        }
        if (parse.GetValue(GenTokens) < 2)
        {
            return "--gen-tokens must be at least 2 (the generation rate counts the tokens after the first)";
        }
        if (parse.GetValue(Threads) is < 1)
        {
            return "--threads must be at least 1";
        }
        return null;
    }
}
