using LlmEngine.Cli.Benchmarking;
using LlmEngine.Tests.Infrastructure;
using LlmEngine.Tokenization;
using NUnit.Framework;

namespace LlmEngine.Tests.Benchmarking;

public class RandomPromptTests
{
    private static ITokenizer Stories() => TokenizerFactory.FromGguf(TestData.File("stories260K.gguf"));

    [Test]
    public void TheSameSeedGivesTheSameIdsAndAnotherSeedOthers()
    {
        var tokenizer = Stories();
        var a = RandomPrompt.Create(tokenizer, 256, seed: 7);
        var b = RandomPrompt.Create(tokenizer, 256, seed: 7);
        var c = RandomPrompt.Create(tokenizer, 256, seed: 8);
        Assert.That(a, Has.Length.EqualTo(256));
        Assert.That(b, Is.EqualTo(a));
        Assert.That(c, Is.Not.EqualTo(a));
    }

    [Test]
    public void PromptsHoldOnlyOrdinaryTokensOfTheVocabulary()
    {
        var tokenizer = Stories();
        var ids = RandomPrompt.Create(tokenizer, 4096, seed: 1);
        foreach (var id in ids)
        {
            Assert.That(id, Is.InRange(0, tokenizer.VocabularySize - 1));
            Assert.That(tokenizer.IsSpecialToken(id), Is.False, $"id {id}");
            Assert.That(id, Is.Not.EqualTo(tokenizer.BosTokenId).And.Not.EqualTo(tokenizer.EosTokenId));
        }
        Assert.That(new HashSet<int>(ids), Has.Count.GreaterThan(100), "ids are spread over the vocabulary");
    }

    [Test]
    public void AVocabularyLimitKeepsIdsBelowIt()
    {
        var ids = RandomPrompt.Create(Stories(), 1000, seed: 3, vocabularySize: 50);
        Assert.That(ids, Has.All.LessThan(50));
    }
}
