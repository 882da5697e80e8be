using LlmEngine.Engine;
using LlmEngine.Execution.Cpu;
using LlmEngine.Models;
using LlmEngine.Scheduling;
using LlmEngine.Tests.Infrastructure;
using LlmEngine.Tokenization;
using NUnit.Framework;

namespace LlmEngine.Tests.Engine;

/// <summary>
/// Issue 7's "zero managed allocations per generated token": the engine step driven on the test thread over the real
/// CPU executor, sampler and detokenizer (stories260K). What is counted: everything <see cref="EngineCore.ExecuteStep"/>
/// does on the engine thread (scheduler, KV-cache manager with prefix caching, batch builder, executor, sampler with
/// penalties and top-k/top-p, detokenizer, stop strings). What is not: <see cref="EngineCore.ProcessOutputs"/>, which
/// builds the <see cref="RequestOutput"/> objects the consumer keeps (a string and an id array per delta by the
/// public API), and the worker threads' allocations (there are none, but another thread's allocations are not visible here).
/// </summary>
public class StepAllocationTests
{
    private const int WarmUpSteps = 24;
    private const int MeasuredSteps = 96;

    [Test]
    public void SteadyDecodeSteps_AllocateNothingOnTheEngineThread()
    {
        var path = TestData.File("stories260K.gguf");
        using var model = ModelLoader.Load(path);
        using var executor = new CpuModelExecutor(model, new CpuModelExecutorOptions
        {
            NumBlocks = 96,
            BlockSize = 16,
            ThreadCount = 2,
            MaxBatchTokens = 64,
            MaxNumSequences = 4,
        });
        var tokenizer = TokenizerFactory.FromGguf(path);
        var config = new SchedulerConfig(4, 64, 512, EnableChunkedPrefill: true, SchedulingPolicy.Fcfs);
        var core = new EngineCore(executor, tokenizer, config, executor.NumBlocks, enablePrefixCaching: true);
        var factory = new RequestFactory(tokenizer, executor.VocabularySize, 512, 16, executor.NumBlocks, enablePrefixCaching: true, engineSeed: 7);
        var length = WarmUpSteps + MeasuredSteps + 8;
        SamplingParameters[] parameters =
        [
            new() { Temperature = 0, MaxTokens = length, IgnoreEos = true },
            new() { Temperature = 0.8f, TopP = 0.9f, TopK = 20, RepetitionPenalty = 1.1f, PresencePenalty = 0.2f, Seed = 3, MaxTokens = length, IgnoreEos = true },
            new() { Temperature = 1.0f, MinP = 0.05f, Seed = 4, MaxTokens = length, IgnoreEos = true, Stop = ["zebra crossing"] },
            new() { Temperature = 0, MaxTokens = length, IgnoreEos = true, OutputKind = RequestOutputKind.Cumulative },
        ];
        var states = new RequestState[parameters.Length];
        for (var i = 0; i < parameters.Length; i++)
        {
            states[i] = factory.Create($"r{i}", tokenizer.Encode($"Once upon a time, a little {i}", addSpecialTokens: true), parameters[i], 0);
            core.AddRequest(states[i]);
        }

        for (var step = 0; step < WarmUpSteps; step++)
        {
            Assert.That(core.Step(), Is.True);
        }
        long engineBytes = 0, outputBytes = 0;
        var tokensBefore = core.NumGenerationTokens;
        var scheduled = 0;
        for (var step = 0; step < MeasuredSteps; step++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            // Nothing but the step between the two readings: an assertion here would allocate its own objects.
            var ran = core.ExecuteStep();
            var middle = GC.GetAllocatedBytesForCurrentThread();
            scheduled += ran ? 1 : 0;
            core.ProcessOutputs();
            outputBytes += GC.GetAllocatedBytesForCurrentThread() - middle;
            engineBytes += middle - before;
        }
        var tokens = core.NumGenerationTokens - tokensBefore;
        Assert.That(scheduled, Is.EqualTo(MeasuredSteps));

        Assert.That(tokens, Is.EqualTo(MeasuredSteps * parameters.Length), "every request decodes one token per measured step");
        TestContext.Out.WriteLine($"{tokens} tokens: engine step {engineBytes} bytes, outputs {outputBytes} bytes ({(double)outputBytes / tokens:F0} per token)");
        Assert.That(engineBytes, Is.Zero, $"ExecuteStep allocated {engineBytes} bytes over {tokens} tokens");
        foreach (var state in states)
        {
            Assert.That(state.Reader.TryRead(out var first), Is.True);
            Assert.That(first!.Outputs[0].Text, Is.Not.Empty);
        }
    }
}
