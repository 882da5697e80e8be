using System.Text;
using LlmEngine.Sampling.Constraints;
using LlmEngine.Tokenization;
using NUnit.Framework;

namespace LlmEngine.Tests.Constraints;

/// <summary>
/// Generates text under a constraint the way a sampler would: random logits, the mask applied, the best allowed
/// token accepted, until an end token or a length cap. Past <c>softCap</c> tokens, closing bytes and end tokens get
/// a large bonus so outputs finish soon after (the logits stay random otherwise). Closing bytes are found by id, so
/// this expects <see cref="TestVocabularyTokenizer.ByteLevel"/>, whose ids 0..255 are the single bytes.
/// </summary>
internal static class ConstrainedSampling
{
    public static (string Text, bool Completed) Generate(ConstraintState state, ITokenizer tokenizer, Random random, int softCap = 24, int hardCap = 400)
    {
        var vocabulary = state.Vocabulary;
        var mask = new TokenBitmask(vocabulary.Size);
        var logits = new float[vocabulary.Size];
        var output = new List<byte>();
        for (var step = 0; step < hardCap; step++)
        {
            state.ComputeMask(mask);
            for (var i = 0; i < logits.Length; i++)
            {
                logits[i] = random.NextSingle() * 4;
            }
            if (step >= softCap)
            {
                foreach (var end in vocabulary.EndTokenIds)
                {
                    logits[end] += 100;
                }
                foreach (var closer in "\"]}")
                {
                    logits[closer] += 50;
                }
            }
            mask.Apply(logits);
            var best = 0;
            for (var i = 1; i < logits.Length; i++)
            {
                if (logits[i] > logits[best])
                {
                    best = i;
                }
            }
            if (float.IsNegativeInfinity(logits[best]))
            {
                Assert.Fail($"No token is allowed after {Encoding.UTF8.GetString([.. output])}");
            }
            Assert.That(state.Accept(best), Is.True, $"a masked-in token {best} was refused after '{Encoding.UTF8.GetString([.. output])}'");
            if (vocabulary.EndTokenIds.Contains(best))
            {
                return (Encoding.UTF8.GetString([.. output]), true);
            }
            output.AddRange(tokenizer.GetTokenBytes(best).ToArray());
        }
        return (Encoding.UTF8.GetString([.. output]), false);
    }
}
