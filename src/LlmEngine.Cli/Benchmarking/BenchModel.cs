using LlmEngine.Composition;

namespace LlmEngine.Cli.Benchmarking;

/// <summary>How the benchmarks load our engine: prefix caching off (repeated prompts must be recomputed), a KV cache sized for the work.</summary>
internal static class BenchModel
{
    /// <summary>Options for a model that runs <paramref name="sequences"/> requests of up to <paramref name="sequenceLength"/> tokens.</summary>
    public static LocalModelOptions Options(string model, int? threads, int sequenceLength, int sequences) => new()
    {
        Model = model,
        Engine = new LlmEngineOptions
        {
            NumThreads = threads,
            EnablePrefixCaching = false,
            MaxModelLength = Math.Max(2, sequenceLength),
            MaxNumSeqs = Math.Max(1, sequences),
            MaxNumBatchedTokens = Math.Max(2048, sequences),
            Seed = 0,
        },
    };

    /// <summary>Distinct seeded prompts, one per request, so that no two share a prefix.</summary>
    public static int[][] Prompts(LocalModel model, int count, int length, int seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        var prompts = new int[count][];
        for (var i = 0; i < count; i++)
        {
            prompts[i] = RandomPrompt.Create(model.Tokenizer, length, seed + i, model.Config.VocabularySize);
        }
        return prompts;
    }
}
