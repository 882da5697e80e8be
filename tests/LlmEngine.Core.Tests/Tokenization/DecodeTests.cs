using System.Text;
using LlmEngine.Tests.Infrastructure;
using LlmEngine.Tokenization;
using NUnit.Framework;

namespace LlmEngine.Tests.Tokenization;

/// <summary>Decode and GetTokenBytes agree, round trips are exact where the tokenizer is lossless.</summary>
[TestFixture]
public class DecodeTests
{
    [TestCase("llama-spm")]
    [TestCase("phi-3")]
    [TestCase("gpt-2")]
    [TestCase("deepseek-llm")]
    public void RoundTripsEveryReferenceInput(string vocabulary)
    {
        var tokenizer = VocabTestCases.Tokenizer(vocabulary);
        Assert.Multiple(() =>
        {
            foreach (var (input, _) in VocabTestCases.Read(vocabulary))
            {
                int[] ids = tokenizer.Encode(input, addSpecialTokens: false, parseSpecialTokens: false);
                Assert.That(tokenizer.Decode(ids), Is.EqualTo(input), $"{vocabulary} {VocabTestCases.Escape(input)}");
            }
        });
    }

    [TestCase("llama-spm", true)]
    [TestCase("gpt-2", false)]
    [TestCase("bert-bge", false)]
    public void DecodeIsUtf8OfTokenBytesExceptOneLeadingSpace(string vocabulary, bool stripsLeadingSpace)
    {
        var tokenizer = VocabTestCases.Tokenizer(vocabulary);
        foreach (var (input, _) in VocabTestCases.Read(vocabulary))
        {
            int[] ids = tokenizer.Encode(input);
            string concatenated = Encoding.UTF8.GetString(ids.SelectMany(id => tokenizer.GetTokenBytes(id).ToArray()).ToArray());
            string expected = stripsLeadingSpace && concatenated.StartsWith(' ') ? concatenated[1..] : concatenated;
            Assert.That(tokenizer.Decode(ids), Is.EqualTo(expected), VocabTestCases.Escape(input));
        }
    }

    [Test]
    public void MultiByteCharactersSplitOverByteFallbackTokens()
    {
        // stories260K has 512 pieces: anything beyond ASCII falls back to <0xNN> byte tokens.
        var tokenizer = TokenizerFactory.FromGguf(TestData.File("stories260K.gguf"));
        const string text = "Zoë saw a 🦙 in 東京";
        int[] ids = tokenizer.Encode(text, addSpecialTokens: false);
        int llamaStart = Array.IndexOf(ids, tokenizer.GetTokenId("<0xF0>")!.Value);
        Assert.That(llamaStart, Is.GreaterThanOrEqualTo(0), "the emoji is byte-encoded");
        Assert.That(ids[llamaStart..(llamaStart + 4)].Select(tokenizer.GetTokenText), Is.EqualTo(new[] { "<0xF0>", "<0x9F>", "<0xA6>", "<0x99>" }));
        Assert.That(tokenizer.GetTokenBytes(ids[llamaStart + 1]).ToArray(), Is.EqualTo(new byte[] { 0x9F }));
        Assert.That(tokenizer.Decode(ids), Is.EqualTo(text));
        // Half a character decodes to the replacement character.
        Assert.That(tokenizer.Decode(ids.AsSpan(0, llamaStart + 2)), Does.EndWith("\uFFFD"));
    }

    [Test]
    public void SpecialTokensRenderAsTextAndAreSkippable()
    {
        var tokenizer = TokenizerFactory.FromGguf(TestData.File("stories260K.gguf"));
        int[] ids = tokenizer.Encode("Hi");
        Assert.That(ids[0], Is.EqualTo(tokenizer.BosTokenId));
        Assert.That(tokenizer.IsSpecialToken(ids[0]), Is.True);
        Assert.That(Encoding.UTF8.GetString(tokenizer.GetTokenBytes(ids[0])), Is.EqualTo("<s>"));
        Assert.That(tokenizer.Decode(ids), Is.EqualTo("<s> Hi"));
        Assert.That(tokenizer.Decode(ids, skipSpecialTokens: true), Is.EqualTo("Hi"));
        Assert.That(tokenizer.GetTokenBytes(tokenizer.GetTokenId("▁Hi") ?? tokenizer.GetTokenId("▁H")!.Value)[0], Is.EqualTo((byte)' '));
    }

    [Test]
    public void InvalidIdsAreRejected()
    {
        var tokenizer = TokenizerFactory.FromGguf(TestData.File("stories260K.gguf"));
        Assert.Throws<ArgumentOutOfRangeException>(() => tokenizer.GetTokenBytes(tokenizer.VocabularySize));
        Assert.Throws<ArgumentOutOfRangeException>(() => tokenizer.Decode([-1]));
    }
}
