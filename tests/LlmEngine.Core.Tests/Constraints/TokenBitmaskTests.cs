using LlmEngine.Sampling.Constraints;
using NUnit.Framework;

namespace LlmEngine.Tests.Constraints;

[TestFixture]
public sealed class TokenBitmaskTests
{
    [Test]
    public void Apply_sets_exactly_the_disallowed_logits_to_negative_infinity_for_every_length()
    {
        var random = new Random(7);
        for (var size = 0; size <= 300; size++)
        {
            var mask = new TokenBitmask(size);
            for (var i = 0; i < size; i++)
            {
                if (random.Next(3) != 0)
                {
                    mask.Words[i >> 6] |= 1UL << (i & 63);
                }
            }
            if (size > 128)
            {
                mask.Words[1] = ulong.MaxValue;
                mask.Words[2] = 0;
            }
            var logits = new float[size + (size % 3)];
            for (var i = 0; i < logits.Length; i++)
            {
                logits[i] = random.NextSingle() * 10 - 5;
            }
            var original = (float[])logits.Clone();
            mask.Apply(logits);
            for (var i = 0; i < logits.Length; i++)
            {
                var expected = mask.IsAllowed(i) ? original[i] : float.NegativeInfinity;
                Assert.That(logits[i], Is.EqualTo(expected), $"size {size}, index {i}");
            }
        }
    }

    [Test]
    public void AllowAll_and_CountAllowed_respect_the_size()
    {
        var mask = new TokenBitmask(130);
        mask.AllowAll();
        Assert.Multiple(() =>
        {
            Assert.That(mask.CountAllowed(), Is.EqualTo(130));
            Assert.That(mask.IsAllowed(129), Is.True);
            Assert.That(mask.IsAllowed(130), Is.False);
        });
        mask.Clear();
        Assert.That(mask.CountAllowed(), Is.Zero);
    }
}
