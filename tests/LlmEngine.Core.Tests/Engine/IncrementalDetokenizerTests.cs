using System.Text;
using LlmEngine.Tests.Engine.Fakes;
using LlmEngine.Tokenization;
using NUnit.Framework;

namespace LlmEngine.Tests.Engine;

public class IncrementalDetokenizerTests
{
    private static readonly TestTokenizer s_tokenizer = new();

    private static (List<string> Deltas, string Flushed) Run(IEnumerable<int> ids, bool skipSpecialTokens = true)
    {
        var detokenizer = new IncrementalDetokenizer(s_tokenizer, skipSpecialTokens);
        var deltas = ids.Select(id => detokenizer.Append(id).ToString()).ToList();
        return (deltas, detokenizer.Flush().ToString());
    }

    [Test]
    public void MultiByteCharactersSplitAcrossTokensAreHeldBackUntilComplete()
    {
        var bytes = Encoding.UTF8.GetBytes("aé€😀");
        var (deltas, flushed) = Run(bytes.Select(b => (int)b));
        Assert.That(deltas, Is.EqualTo(new[] { "a", "", "é", "", "", "€", "", "", "", "😀" }));
        Assert.That(flushed, Is.Empty);
    }

    [Test]
    public void TheConcatenationOfDeltasIsTheUtf8DecodingOfAllTokenBytes()
    {
        var random = new Random(5);
        for (var trial = 0; trial < 200; trial++)
        {
            var ids = Enumerable.Range(0, random.Next(1, 30)).Select(_ => random.Next(0, 2) == 0 ? random.Next(0, 256) : random.Next(128, 256)).ToArray();
            var (deltas, flushed) = Run(ids);
            var expected = Encoding.UTF8.GetString(ids.SelectMany(id => s_tokenizer.GetTokenBytes(id).ToArray()).ToArray());
            Assert.That(string.Concat(deltas) + flushed, Is.EqualTo(expected), string.Join(",", ids));
        }
    }

    [Test]
    public void AnUnfinishedCharacterAtTheEndBecomesAReplacementCharacter()
    {
        var (deltas, flushed) = Run([(int)'x', 0xE2, 0x82]);
        Assert.That(string.Concat(deltas), Is.EqualTo("x"));
        Assert.That(flushed, Is.EqualTo("\uFFFD"));
    }

    [Test]
    public void SpecialTokensAreSkippedOnlyWhenAsked()
    {
        int[] ids = [TestTokenizer.Bos, 'h', 'i', TestTokenizer.Eos];
        Assert.That(string.Concat(Run(ids).Deltas), Is.EqualTo("hi"));
        Assert.That(string.Concat(Run(ids, skipSpecialTokens: false).Deltas), Is.EqualTo("<s>hi</s>"));
    }
}
