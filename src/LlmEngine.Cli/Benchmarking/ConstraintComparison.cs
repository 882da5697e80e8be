using System.Text.Json.Nodes;
using LlmEngine.Composition;
using LlmEngine.Sampling.Constraints;

namespace LlmEngine.Cli.Benchmarking;

/// <summary>
/// <c>bench throughput --constraint</c>: the same batch run unconstrained and under a constraint, back to back and
/// alternating which goes first, so both see the same machine; the figure is the constrained share of the
/// unconstrained generation rate (issue 8's goal: at least 90% at batch 16). Lengths are fixed: ignore_eos also
/// keeps a completed constraint generating (end tokens only) to max_tokens, so both runs generate the same count.
/// </summary>
internal static class ConstraintComparison
{
    /// <summary>
    /// Reads <c>json-object</c>, <c>json-schema:FILE</c>, <c>regex:PATTERN</c>, <c>choice:A|B|...</c> or <c>gbnf:FILE</c>;
    /// null when <paramref name="text"/> is null.
    /// </summary>
    /// <exception cref="ArgumentException">Not one of those forms, or the file is missing.</exception>
    public static ConstraintSpec? Parse(string? text)
    {
        if (text is null)
        {
            return null;
        }
        var colon = text.IndexOf(':');
        var (kind, argument) = colon < 0 ? (text, "") : (text[..colon], text[(colon + 1)..]);
        return kind switch
        {
            "json-object" when argument.Length == 0 => new JsonObjectConstraint(),
            "json-schema" => new JsonSchemaConstraint(ReadFile(argument)),
            "regex" when argument.Length > 0 => new RegexConstraint(argument),
            "choice" when argument.Length > 0 => new ChoiceConstraint(argument.Split('|')),
            "gbnf" => new GbnfGrammarConstraint(ReadFile(argument)),
            _ => throw new ArgumentException($"--constraint '{text}' is not json-object, json-schema:FILE, regex:PATTERN, choice:A|B|... or gbnf:FILE."),
        };
    }

    /// <summary>Runs <paramref name="runs"/> pairs and reports them.</summary>
    public static async Task<JsonObject> RunAsync(LocalModel local, ConstraintSpec constraint, int requests, int promptTokens, int generatedTokens, int runs, int seed,
        CancellationToken cancellationToken)
    {
        // Compiling first keeps a bad spec from costing a run, and the compile time out of the figures.
        ConstraintCompiler.Shared.Compile(constraint);
        var free = new List<double>();
        var constrained = new List<double>();
        var ratios = new List<double>();
        for (var r = 0; r < runs; r++)
        {
            double freeRate = 0, constrainedRate = 0;
            // Fresh prompts for every run, so the prefix cache never shortens one side's prefill.
            for (var k = 0; k < 2; k++)
            {
                var withConstraint = (r + k) % 2 == 1;
                var prompts = BenchModel.Prompts(local, requests, promptTokens, seed + ((2 * r) + k) * requests);
                var result = await ThroughputBenchmark.RunAsync(local.Engine, prompts, generatedTokens, cancellationToken, withConstraint ? constraint : null).ConfigureAwait(false);
                if (withConstraint)
                {
                    constrainedRate = result.GenerationTokensPerSecond;
                }
                else
                {
                    freeRate = result.GenerationTokensPerSecond;
                }
            }
            free.Add(freeRate);
            constrained.Add(constrainedRate);
            ratios.Add(constrainedRate / freeRate);
        }
        return new JsonObject
        {
            ["constraint"] = constraint.GetType().Name,
            ["requests"] = requests,
            ["runs"] = runs,
            ["unconstrained_generation_tokens_per_s"] = BenchFormat.Json(Percentiles.Median(free)),
            ["constrained_generation_tokens_per_s"] = BenchFormat.Json(Percentiles.Median(constrained)),
            ["ratio_median"] = BenchFormat.Json(Percentiles.Median(ratios)),
            ["ratios"] = new JsonArray([.. ratios.Select(x => (JsonNode?)BenchFormat.Json(x))]),
        };
    }

    /// <summary>The text report of <see cref="RunAsync"/>'s figures.</summary>
    public static void Write(TextWriter output, JsonObject figures)
    {
        output.WriteLine($"constraint {figures["constraint"]}: {figures["requests"]} requests at once, {figures["runs"]} run pair(s), unconstrained and constrained alternating");
        output.WriteLine($"  generation, median: unconstrained {figures["unconstrained_generation_tokens_per_s"]} tok/s, constrained {figures["constrained_generation_tokens_per_s"]} tok/s");
        output.WriteLine($"  constrained / unconstrained: median {figures["ratio_median"]} (runs: {figures["ratios"]!.ToJsonString()})");
    }

    private static string ReadFile(string path) => File.Exists(path)
        ? File.ReadAllText(path)
        : throw new ArgumentException($"--constraint names the file '{path}', which does not exist.");
}
