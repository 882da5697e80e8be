using System.Threading.Channels;
using BenchmarkDotNet.Attributes;
using LlmEngine.Benchmarks.Execution;
using LlmEngine.Composition;

namespace LlmEngine.Benchmarks.Engine;

/// <summary>
/// Engine throughput on stories260K: 64 requests of 128 random prompt tokens and 128 greedy generated tokens
/// (EOS ignored), all at once against one after another; the goal is Sequential64 / Concurrent64 ≥ 8.
/// Aggregate tokens/s is 64 × 256 / mean (prompt and generated) or 64 × 128 / mean (generated only).
/// Each iteration is seconds long, so the job is short: one warmup, three iterations of one call, no pilot. These are
/// job mutators rather than a <c>[SimpleJob]</c>, so they shape the command line's job (<c>--inProcess</c>) instead
/// of adding a second, out-of-process job that would run everything twice.
/// </summary>
[WarmupCount(1)]
[IterationCount(3)]
[InvocationCount(1)]
public class EngineThroughputBenchmark
{
    private const int NumRequests = 64;
    private const int PromptLength = 128;
    private const int OutputLength = 128;
    private static readonly SamplingParameters s_parameters = new() { Temperature = 0f, MaxTokens = OutputLength, IgnoreEos = true };
    private LocalModel _model = null!;
    private int[][] _prompts = null!;
    private long _nextId;

    [GlobalSetup]
    public void Setup()
    {
        _model = LocalModel.Load(new LocalModelOptions
        {
            Model = BenchmarkModels.File("stories260K.gguf"),
            Engine = new LlmEngineOptions
            {
                NumThreads = 2,
                MaxNumSeqs = NumRequests,
                // Every request fits at its longest, so the concurrent run measures batching, not preemption.
                NumKVCacheBlocks = NumRequests * (PromptLength + OutputLength) / 16 + 64,
                // Iterations repeat the same prompts; a prefix cache would turn later iterations' prefills into hits.
                EnablePrefixCaching = false,
            },
        });
        var tokenizer = _model.Tokenizer;
        var random = new Random(42);
        _prompts = new int[NumRequests][];
        for (var i = 0; i < NumRequests; i++)
        {
            var prompt = new int[PromptLength];
            for (var t = 0; t < prompt.Length; t++)
            {
                int id;
                do
                {
                    id = random.Next(tokenizer.VocabularySize);
                }
                while (tokenizer.IsSpecialToken(id));
                prompt[t] = id;
            }
            _prompts[i] = prompt;
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _model.Dispose();

    /// <summary>All 64 requests submitted together; the engine batches them.</summary>
    [Benchmark]
    public async Task<int> Concurrent64()
    {
        var streams = new Task<int>[NumRequests];
        for (var i = 0; i < NumRequests; i++)
        {
            streams[i] = Drain(_model.Engine.AddRequest(NextId(), _prompts[i], s_parameters));
        }
        var total = 0;
        foreach (var generated in await Task.WhenAll(streams))
        {
            total += generated;
        }
        return total;
    }

    /// <summary>The same requests, each submitted after the previous one finished.</summary>
    [Benchmark]
    public async Task<int> Sequential64()
    {
        var total = 0;
        for (var i = 0; i < NumRequests; i++)
        {
            total += await Drain(_model.Engine.AddRequest(NextId(), _prompts[i], s_parameters));
        }
        return total;
    }

    private string NextId() => $"bench-{Interlocked.Increment(ref _nextId)}";

    private static async Task<int> Drain(ChannelReader<RequestOutput> reader)
    {
        RequestOutput? last = null;
        await foreach (var output in reader.ReadAllAsync())
        {
            last = output;
        }
        var generated = last?.Outputs[0].NumGeneratedTokens ?? 0;
        return generated == OutputLength
            ? generated
            : throw new InvalidOperationException($"A request generated {generated} tokens, not {OutputLength}.");
    }
}
