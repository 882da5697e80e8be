using System.Diagnostics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using LLama;
using LLama.Common;
using LLama.Native;
using LlmEngine.Cli.Benchmarking;

namespace LlmEngine.Peers;

/// <summary>
/// llama.cpp through LLamaSharp, driven at the batch level as llama.cpp's own <c>llama-bench</c> and
/// <c>llama-batched-bench</c> drive it: the prompt in one <c>llama_decode</c>, then one token per call, greedy by
/// arg-max over the logits (no sampler chain), so that the timings are the library's forward passes.
/// </summary>
internal sealed class LlamaSharpPeer : IDisposable
{
    private const int MaxBatchTokens = 2048;

    private readonly LLamaWeights _weights;
    private readonly LLamaContext _context;
    private readonly LLamaBatch _batch = new();

    private LlamaSharpPeer(LLamaWeights weights, LLamaContext context, TimeSpan loadTime)
    {
        _weights = weights;
        _context = context;
        LoadTime = loadTime;
    }

    /// <summary>Time to map the weights and create the context.</summary>
    public TimeSpan LoadTime { get; }

    /// <summary>Threads llama.cpp runs with.</summary>
    public int Threads => (int)_context.GenerationThreads;

    /// <summary>Silences llama.cpp's loader log; call before anything else touches the native library.</summary>
    public static void QuietNativeLog() => NativeLibraryConfig.All.WithLogCallback((_, _) => { });

    /// <summary>llama.cpp's own description of its build (instruction sets it was compiled for).</summary>
    public static string SystemInfo() => Marshal.PtrToStringAnsi(NativeApi.llama_print_system_info()) ?? string.Empty;

    /// <summary>
    /// Loads <paramref name="path"/> for up to <paramref name="sequences"/> sequences of <paramref name="sequenceLength"/>
    /// tokens in one unified KV cache (llama.cpp's defaults otherwise: F16 KV cache, flash attention auto).
    /// </summary>
    public static LlamaSharpPeer Load(string path, int threads, int sequenceLength, int sequences)
    {
        var clock = Stopwatch.StartNew();
        var parameters = new ModelParams(path)
        {
            ContextSize = (uint)(sequenceLength * sequences),
            SeqMax = (uint)sequences,
            KVUnified = true,
            BatchSize = MaxBatchTokens,
            Threads = threads,
            BatchThreads = threads,
            GpuLayerCount = 0,
        };
        var weights = LLamaWeights.LoadFromFile(parameters);
        try
        {
            return new LlamaSharpPeer(weights, weights.CreateContext(parameters), clock.Elapsed);
        }
        catch
        {
            weights.Dispose();
            throw;
        }
    }

    /// <summary>One request: the prompt in one decode (its time is the time to first token), then one token per decode.</summary>
    public LatencyRun RunLatency(int[] prompt, int genTokens)
    {
        _context.NativeHandle.MemoryClear(true);
        var cpuStart = CpuClock.ProcessSeconds();
        var clock = Stopwatch.StartNew();
        var next = Prefill([prompt], clock, new double[1])[0];
        var firstToken = clock.Elapsed;
        var cpuFirst = CpuClock.ProcessSeconds();
        for (var i = 1; i < genTokens; i++)
        {
            _batch.Clear();
            _batch.Add(next, prompt.Length + i - 1, LLamaSeqId.Zero, true);
            Decode();
            next = ArgMax(0);
        }
        var total = clock.Elapsed;
        return new LatencyRun(prompt.Length, genTokens, firstToken.TotalSeconds, (total - firstToken).TotalSeconds,
            cpuFirst - cpuStart, CpuClock.ProcessSeconds() - cpuFirst);
    }

    /// <summary>
    /// Every prompt as its own sequence (llama.cpp's multi-sequence batch, as <c>llama-batched-bench</c> runs it):
    /// the prompts packed into batches of up to 2048 tokens, then one decode per step carrying one token of each.
    /// </summary>
    public ThroughputResult RunThroughput(int[][] prompts, int genTokens)
    {
        _context.NativeHandle.MemoryClear(true);
        var firstTokens = new double[prompts.Length];
        var cpu = CpuClock.ProcessSeconds();
        var clock = Stopwatch.StartNew();
        var next = Prefill(prompts, clock, firstTokens);
        var promptTokens = 0;
        foreach (var prompt in prompts)
        {
            promptTokens += prompt.Length;
        }
        for (var step = 1; step < genTokens; step++)
        {
            _batch.Clear();
            for (var s = 0; s < prompts.Length; s++)
            {
                _batch.Add(next[s], prompts[s].Length + step - 1, (LLamaSeqId)s, true);
            }
            Decode();
            for (var s = 0; s < prompts.Length; s++)
            {
                next[s] = ArgMax(s);
            }
        }
        var elapsed = clock.Elapsed.TotalSeconds;
        return new ThroughputResult(prompts.Length, promptTokens, prompts.Length * genTokens, elapsed, firstTokens, CpuClock.ProcessSeconds() - cpu);
    }

    private int[] Prefill(int[][] prompts, Stopwatch clock, double[] firstTokens)
    {
        var next = new int[prompts.Length];
        var pending = new List<(int Sequence, int BatchIndex)>();
        _batch.Clear();
        for (var s = 0; s < prompts.Length; s++)
        {
            var prompt = prompts[s];
            for (var i = 0; i < prompt.Length; i++)
            {
                if (_batch.TokenCount == MaxBatchTokens)
                {
                    Flush(pending, next, clock, firstTokens);
                }
                var last = i == prompt.Length - 1;
                if (last)
                {
                    pending.Add((s, _batch.TokenCount));
                }
                _batch.Add(prompt[i], i, (LLamaSeqId)s, last);
            }
        }
        Flush(pending, next, clock, firstTokens);
        return next;
    }

    private void Flush(List<(int Sequence, int BatchIndex)> pending, int[] next, Stopwatch clock, double[] firstTokens)
    {
        if (_batch.TokenCount == 0)
        {
            return;
        }
        Decode();
        foreach (var (sequence, index) in pending)
        {
            next[sequence] = ArgMax(index);
            firstTokens[sequence] = clock.Elapsed.TotalSeconds;
        }
        pending.Clear();
        _batch.Clear();
    }

    private void Decode()
    {
        var result = _context.NativeHandle.Decode(_batch);
        if (result != DecodeResult.Ok)
        {
            throw new InvalidOperationException($"llama_decode failed: {result}");
        }
    }

    private int ArgMax(int batchIndex) => TensorPrimitives.IndexOfMax(_context.NativeHandle.GetLogitsIth(batchIndex));

    /// <inheritdoc />
    public void Dispose()
    {
        _context.Dispose();
        _weights.Dispose();
    }
}
