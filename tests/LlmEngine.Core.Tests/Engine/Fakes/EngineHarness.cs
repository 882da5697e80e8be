using LlmEngine.Engine;
using LlmEngine.Scheduling;

namespace LlmEngine.Tests.Engine.Fakes;

/// <summary>
/// Drives <see cref="EngineCore"/> step by step on the test thread (no loop thread), with the scripted executor and
/// the test tokenizer: deterministic scheduler and engine scenarios.
/// </summary>
internal sealed class EngineHarness
{
    public EngineHarness(
        int numBlocks = 64,
        int blockSize = 16,
        int maxNumSeqs = 16,
        int maxNumBatchedTokens = 256,
        bool enablePrefixCaching = true,
        bool enableChunkedPrefill = true,
        SchedulingPolicy policy = SchedulingPolicy.Fcfs,
        int vocabularySize = 300,
        int? maxModelLength = null,
        long? seed = 1234)
    {
        Executor = new ScriptedExecutor(vocabularySize, numBlocks, blockSize);
        Tokenizer = new TestTokenizer(vocabularySize);
        MaxModelLength = maxModelLength ?? numBlocks * blockSize;
        var config = new SchedulerConfig(maxNumSeqs, maxNumBatchedTokens, MaxModelLength, enableChunkedPrefill, policy);
        Core = new EngineCore(Executor, Tokenizer, config, numBlocks, enablePrefixCaching);
        Factory = new RequestFactory(Tokenizer, vocabularySize, MaxModelLength, blockSize, numBlocks, enablePrefixCaching, seed);
    }

    public ScriptedExecutor Executor { get; }

    public TestTokenizer Tokenizer { get; }

    public EngineCore Core { get; }

    public RequestFactory Factory { get; }

    public int MaxModelLength { get; }

    public RequestState Add(string requestId, int[] prompt, SamplingParameters parameters, int priority = 0)
    {
        var state = Factory.Create(requestId, prompt, parameters, priority);
        Core.AddRequest(state);
        return state;
    }

    /// <summary>Steps until every request has finished; returns the number of steps.</summary>
    public int RunUntilDone(int maxSteps = 100_000)
    {
        var steps = 0;
        while (Core.HasUnfinishedRequests)
        {
            if (!Core.Step())
            {
                throw new InvalidOperationException("The scheduler scheduled nothing while requests were unfinished.");
            }
            if (++steps > maxSteps)
            {
                throw new InvalidOperationException("Too many steps.");
            }
        }
        return steps;
    }

    /// <summary>Every output written so far to the request's stream.</summary>
    public static List<RequestOutput> Drain(RequestState state)
    {
        var outputs = new List<RequestOutput>();
        while (state.Reader.TryRead(out var output))
        {
            outputs.Add(output);
        }
        return outputs;
    }

    /// <summary>The generated tokens of completion <paramref name="index"/>, from delta outputs.</summary>
    public static int[] Tokens(IEnumerable<RequestOutput> outputs, int index = 0)
    {
        var tokens = new List<int>();
        foreach (var output in outputs)
        {
            foreach (var completion in output.Outputs)
            {
                if (completion.Index == index)
                {
                    tokens.AddRange(completion.TokenIds);
                }
            }
        }
        return [.. tokens];
    }

    /// <summary>The generated text of completion <paramref name="index"/>, from delta outputs.</summary>
    public static string Text(IEnumerable<RequestOutput> outputs, int index = 0)
    {
        var text = new System.Text.StringBuilder();
        foreach (var output in outputs)
        {
            foreach (var completion in output.Outputs)
            {
                if (completion.Index == index)
                {
                    text.Append(completion.Text);
                }
            }
        }
        return text.ToString();
    }

    /// <summary>A deterministic prompt of <paramref name="length"/> tokens starting with BOS.</summary>
    public static int[] Prompt(int length, int salt = 0)
    {
        var prompt = new int[length];
        prompt[0] = TestTokenizer.Bos;
        for (var i = 1; i < length; i++)
        {
            prompt[i] = 32 + (i * 7 + salt * 13) % 90;
        }
        return prompt;
    }
}
