using System.Text;
using LlmEngine.Sampling.Constraints;
using LlmEngine.Tokenization;
using NUnit.Framework;

namespace LlmEngine.Tests.Constraints;

/// <summary>
/// Generates text under a constraint the way a sampler would: random logits, the mask applied, the best allowed
/// token accepted, until an end token. Past <c>softCap</c> tokens it steers to the nearest completion (ending where
/// allowed, else the byte that leaves the fewest bytes to a completion), so outputs stay short; this needs
/// <see cref="TestVocabularyTokenizer.ByteLevel"/>, whose ids 0..255 are the single bytes.
/// </summary>
internal static class ConstrainedSampling
{
    public static (string Text, bool Completed) Generate(ConstraintState state, ITokenizer tokenizer, Random random, int softCap = 24, int hardCap = 300)
    {
        var vocabulary = state.Vocabulary;
        var mask = new TokenBitmask(vocabulary.Size);
        var logits = new float[vocabulary.Size];
        var output = new List<byte>();
        for (var step = 0; step < hardCap; step++)
        {
            int chosen;
            if (step < softCap)
            {
                state.ComputeMask(mask);
                for (var i = 0; i < logits.Length; i++)
                {
                    logits[i] = random.NextSingle();
                }
                mask.Apply(logits);
                chosen = 0;
                for (var i = 1; i < logits.Length; i++)
                {
                    if (logits[i] > logits[chosen])
                    {
                        chosen = i;
                    }
                }
                if (float.IsNegativeInfinity(logits[chosen]))
                {
                    Assert.Fail($"No token is allowed after {Encoding.UTF8.GetString([.. output])}");
                }
            }
            else
            {
                chosen = state.CanEnd ? vocabulary.EndTokenIds[0] : ShortestCompletionByte(state);
            }
            Assert.That(state.Accept(chosen), Is.True, $"an allowed token {chosen} was refused after '{Encoding.UTF8.GetString([.. output])}'");
            if (vocabulary.EndTokenIds.Contains(chosen))
            {
                return (Encoding.UTF8.GetString([.. output]), true);
            }
            output.AddRange(tokenizer.GetTokenBytes(chosen).ToArray());
        }
        return (Encoding.UTF8.GetString([.. output]), false);
    }

    // The byte that brings the output closest to a completion (by the automaton's static distance).
    private static int ShortestCompletionByte(ConstraintState state)
    {
        var automaton = state.Constraint.Automaton;
        var best = -1;
        var bestDistance = int.MaxValue;
        Span<byte> one = stackalloc byte[1];
        for (var b = 0; b < 256; b++)
        {
            one[0] = (byte)b;
            var next = automaton.Advance(state.AutomatonState, one);
            if (next >= 0 && automaton.DistanceToAccept(next) < bestDistance)
            {
                best = b;
                bestDistance = automaton.DistanceToAccept(next);
            }
        }
        Assert.That(best, Is.Not.EqualTo(-1), "no byte is allowed");
        return best;
    }
}
