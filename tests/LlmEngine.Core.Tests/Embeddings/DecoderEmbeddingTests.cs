using System.Runtime.InteropServices;
using LlmEngine.Composition;
using LlmEngine.Embeddings;
using LlmEngine.Execution;
using LlmEngine.Models;
using LlmEngine.Tests.Architectures;
using LlmEngine.Tests.Infrastructure;
using NUnit.Framework;

namespace LlmEngine.Tests.Embeddings;

/// <summary>
/// Embeddings from decoders (stories260K and the archs models): the hidden-state pass returns the final-norm hidden
/// states (times the output head they give llama.cpp's logits), and last-token and mean pooling are exactly the
/// normalized last state and the normalized average.
/// </summary>
public class DecoderEmbeddingTests
{
    private static readonly string[] s_archsModels =
        ["tiny-llama.f32.gguf", "tiny-llama3-rope.f32.gguf", "tiny-qwen2.f32.gguf", "tiny-qwen3.f32.gguf", "tiny-phi3.f32.gguf"];

    private static LocalModel Load(string relativePath) => LocalModel.Load(new LocalModelOptions
    {
        Model = TestData.File(relativePath),
        Engine = new LlmEngineOptions { NumThreads = 2, MaxNumBatchedTokens = 256 },
        KVCacheMemoryBytes = 1 << 22,
    });

    /// <summary>The final-norm hidden state of every position of <paramref name="ids"/>, from one hidden-state pass.</summary>
    private static float[][] HiddenStates(LocalModel model, int[] ids)
    {
        using var executor = new DecoderEmbeddingExecutor(model.Model.Tensors, model.Config, maxBatchTokens: 128, maxModelLength: null, threadCount: 2);
        var batch = new ForwardBatch(128, 1);
        for (var t = 0; t < ids.Length; t++)
        {
            batch.TokenIds[t] = ids[t];
            batch.Positions[t] = t;
            batch.LogitsIndices[t] = t;
        }
        batch.NumTokens = ids.Length;
        batch.NumSequences = 1;
        batch.QueryStart[1] = ids.Length;
        batch.NumLogits = ids.Length;
        var width = model.Config.HiddenSize;
        var hidden = new float[ids.Length * width];
        executor.ExecuteHidden(batch, hidden);
        return Enumerable.Range(0, ids.Length).Select(t => hidden.AsSpan(t * width, width).ToArray()).ToArray();
    }

    [TestCaseSource(nameof(s_archsModels))]
    public void HiddenStatesTimesTheOutputHeadAreLlamaCppLogits(string file)
    {
        using var model = Load("archs/" + file);
        var source = model.Model.Tensors;
        Assert.That(source.TryGetTensor("output.weight", out var head) || source.TryGetTensor("token_embd.weight", out head), Is.True);
        Assert.That(head.Type, Is.EqualTo(GgmlType.F32));
        var weights = MemoryMarshal.Cast<byte, float>(head.Bytes).ToArray();
        var width = model.Config.HiddenSize;
        var references = ArchitectureReference.ReadAll(TestData.File(ArchitectureReference.File)).Where(r => r.Model == file).ToList();
        Assert.That(references, Is.Not.Empty);
        foreach (var reference in references)
        {
            var states = HiddenStates(model, reference.PromptIds);
            for (var t = 0; t < states.Length; t++)
            {
                var logits = new double[reference.Logits[t].Length];
                for (var v = 0; v < logits.Length; v++)
                {
                    double sum = 0;
                    for (var i = 0; i < width; i++)
                    {
                        sum += (double)weights[v * width + i] * states[t][i];
                    }
                    logits[v] = sum;
                }
                EmbeddingAssert.Close(reference.Logits[t], logits, 1e-4, $"{file} '{reference.Prompt}' position {t}");
            }
        }
    }

    [TestCase("stories260K.gguf")]
    [TestCase("archs/tiny-qwen3.f32.gguf")]
    public async Task LastAndMeanPoolingAreTheNormalizedLastStateAndAverage(string file)
    {
        using var model = Load(file);
        using var last = new LlmEngineEmbeddingGenerator(model);
        using var mean = new LlmEngineEmbeddingGenerator(model, new LlmEngineEmbeddingGeneratorOptions { Pooling = PoolingType.Mean });
        Assert.That(last.Pooling, Is.EqualTo(PoolingType.Last), "a decoder's default");
        string[] prompts = ["Once upon a time", "Lily and Ben were playing in the garden.", "The cat"];
        var lastVectors = await last.GenerateAsync(prompts);
        var meanVectors = await mean.GenerateAsync(prompts);
        for (var p = 0; p < prompts.Length; p++)
        {
            var ids = model.Tokenizer.Encode(prompts[p]);
            var states = HiddenStates(model, ids);
            var average = Enumerable.Range(0, model.Config.HiddenSize).Select(i => states.Average(s => (double)s[i])).ToArray();
            EmbeddingAssert.Close(lastVectors[p].Vector.Span, EmbeddingAssert.Normalized(states[^1].Select(x => (double)x).ToArray()), 1e-6, $"last, prompt {p}");
            EmbeddingAssert.Close(meanVectors[p].Vector.Span, EmbeddingAssert.Normalized(average), 1e-6, $"mean, prompt {p}");
        }
    }

    [Test]
    public async Task SixtyFourInputsInOneCallEqualEachAlone()
    {
        using var model = Load("stories260K.gguf");
        using var generator = new LlmEngineEmbeddingGenerator(model);
        var words = "Once upon a time there was a little girl named Lily who loved to play in the park with her dog".Split(' ');
        var inputs = Enumerable.Range(0, 64).Select(i => string.Join(' ', words.Skip(i % 7).Take(1 + i % 13))).ToArray();
        var together = await generator.GenerateAsync(inputs);
        for (var i = 0; i < inputs.Length; i++)
        {
            var alone = await generator.GenerateAsync([inputs[i]]);
            EmbeddingAssert.Close(together[i].Vector.Span, alone[0].Vector.Span, 1e-6, $"input {i}");
        }
    }

    [Test]
    public async Task EmbeddingsDoNotDisturbGeneration()
    {
        using var model = Load("stories260K.gguf");
        using var generator = new LlmEngineEmbeddingGenerator(model);
        var prompt = model.Tokenizer.Encode("Once upon a time");
        var parameters = new SamplingParameters { Temperature = 0, MaxTokens = 16, OutputKind = RequestOutputKind.FinalOnly };
        var before = await Generate(model, prompt, parameters);
        var embedding = generator.GenerateAsync(["Once upon a time", "Lily"]);
        var during = Generate(model, prompt, parameters);
        await embedding;
        Assert.That(await during, Is.EqualTo(before));
    }

    private static async Task<int[]> Generate(LocalModel model, int[] prompt, SamplingParameters parameters)
    {
        var ids = new List<int>();
        await foreach (var output in model.Engine.GenerateAsync(prompt, parameters))
        {
            ids = [.. output.Outputs[0].TokenIds];
        }
        return [.. ids];
    }
}
